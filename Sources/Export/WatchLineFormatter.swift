import Foundation
import Metrics
import Telemetry

/// Renders the newest tick of a node as one line of `watch` output, in the chosen format.
///
/// Field names of the JSON and logfmt formats are the ``Metric`` vocabulary; absent values are
/// `null` (JSON) or `-` (logfmt, table), never 0.
public struct WatchLineFormatter: Sendable {
    /// The output format.
    public let format: LineFormat
    /// Table rows between headers (a screenful); 0 prints the header once.
    public let headerEvery: Int
    /// The width of the table's node column; `nil` leaves it out (one node).
    public let nodeWidth: Int?
    private var rowsSinceHeader: Int?

    /// Creates a formatter.
    ///
    /// - Parameter nodeWidth: adds a node column of this width to the table (several nodes).
    public init(format: LineFormat, headerEvery: Int = 24, nodeWidth: Int? = nil) {
        self.format = format
        self.headerEvery = max(0, headerEvery)
        self.nodeWidth = nodeWidth.map { max(4, $0) }
    }

    /// The lines for the newest tick of `node`: a table header when one is due, then the row.
    /// A failed tick gives a row in JSON and logfmt (with `up` 0) and nothing in table mode,
    /// where the state-change message says it all.
    public mutating func lines(for node: NodeMetrics) -> [String] {
        guard let time = node.times.last.map(Date.init(timeIntervalSince1970:)) else { return [] }
        let values = node.latestValues
        switch format {
        case .json: return [Self.json(node: node.node, time: time, values: values, failure: node.lastFailure)]
        case .logfmt: return [Self.logfmt(node: node.node, time: time, values: values, failure: node.lastFailure)]
        case .table:
            guard node.lastFailure == nil else { return [] }
            var lines: [String] = []
            if let rows = rowsSinceHeader, headerEvery == 0 || rows < headerEvery {
                rowsSinceHeader = rows + 1
            } else {
                lines += TableLayout.header(nodeWidth: nodeWidth)
                rowsSinceHeader = 1
            }
            lines.append(TableLayout.row(time: time, values: values, node: node.node, nodeWidth: nodeWidth))
            return lines
        }
    }

    /// The vocabulary in JSON field order: every per-node ``Metric`` (absent ones as `null`), then
    /// per-database series present at this tick, sorted.
    static func orderedFields(_ values: [SeriesKey: Double]) -> [(String, Double?)] {
        let fixed = Metric.perNode.map { ($0.name, values[metric: $0]) }
        let extra = values.keys.filter { $0.metric == nil }.sorted().map { ($0.name, values[$0]) }
        return fixed + extra
    }

    static func json(node: String, time: Date, values: [SeriesKey: Double], failure: PollFailure?) -> String {
        var fields = [
            "\"time\":\(JSONText.string(ValueFormatting.iso8601(time)))",
            "\"ts_ms\":\(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))",
            "\"node\":\(JSONText.string(node))",
        ]
        for (name, value) in orderedFields(values) {
            fields.append("\(JSONText.string(name)):\(value.map(JSONText.number) ?? "null")")
        }
        if let failure {
            fields.append("\"error\":\(JSONText.string(failure.message))")
            fields.append("\"error_kind\":\(JSONText.string(failure.kind.rawValue))")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func logfmt(node: String, time: Date, values: [SeriesKey: Double], failure: PollFailure?) -> String {
        var fields = ["time=\(ValueFormatting.iso8601(time))", "node=\(LogfmtText.value(node))"]
        for (name, value) in orderedFields(values) {
            fields.append("\(name)=\(value.map(JSONText.number) ?? "-")")
        }
        if let failure {
            fields.append("error=\(LogfmtText.value(failure.message))")
            fields.append("error_kind=\(failure.kind.rawValue)")
        }
        return fields.joined(separator: " ")
    }
}
