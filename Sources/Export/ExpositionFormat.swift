/// The two text formats a Prometheus scrape may ask for (by its `Accept` header).
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// The Prometheus text format 0.0.4.
    case prometheusText
    /// OpenMetrics 1.0.0 text: counters' families named without `_total`, an `# EOF` at the end.
    case openMetrics

    /// The `Content-Type` of a response in this format.
    public var contentType: String {
        switch self {
        case .prometheusText: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format a scrape's `Accept` header asks for: OpenMetrics when it names
    /// `application/openmetrics-text` (with a non-zero quality), else the classic text.
    public init(accept: String?) {
        self = .prometheusText
        guard let accept else { return }
        for part in accept.split(separator: ",") {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.first?.lowercased() == "application/openmetrics-text" else { continue }
            let quality = fields.dropFirst().first { $0.lowercased().hasPrefix("q=") }.flatMap {
                Double($0.dropFirst(2))
            }
            if (quality ?? 1) > 0 {
                self = .openMetrics
                return
            }
        }
    }
}
