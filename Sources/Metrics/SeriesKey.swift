/// What a series of a node holds: a metric of the vocabulary, or the key count of one database
/// (`db0_keys`, `db3_keys_with_expiry`). The keys of the store, of metric lines and of rules.
public enum SeriesKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The two per-database figures.
    public enum DatabaseFigure: String, Sendable, Hashable, CaseIterable {
        /// Keys in the database.
        case keys
        /// Keys with a TTL in the database.
        case keysWithExpiry = "keys_with_expiry"
    }

    /// A metric of the vocabulary.
    case metric(Metric)
    /// A figure of database `index`.
    case database(Int, DatabaseFigure)

    /// The key named `name` (a metric name, or `db<N>_keys`, `db<N>_keys_with_expiry`), if any.
    public init?(name: String) {
        if let metric = Metric(name: name) {
            self = .metric(metric)
            return
        }
        guard name.hasPrefix("db"), let underscore = name.firstIndex(of: "_") else { return nil }
        let digits = name[name.index(name.startIndex, offsetBy: 2)..<underscore]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.count < 6,
            let index = Int(digits),
            let figure = DatabaseFigure(rawValue: String(name[name.index(after: underscore)...]))
        else { return nil }
        self = .database(index, figure)
    }

    /// The name in metric lines, CSV headers and rules files.
    public var name: String {
        switch self {
        case .metric(let metric): metric.name
        case .database(let index, let figure): "db\(index)_\(figure.rawValue)"
        }
    }

    /// The name.
    public var description: String { name }

    /// The metric, when the key is one.
    public var metric: Metric? {
        if case .metric(let metric) = self { return metric }
        return nil
    }

    /// Orders by name.
    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool { lhs.name < rhs.name }
}

extension Dictionary where Key == SeriesKey {
    /// The value of `metric`.
    public subscript(metric metric: Metric) -> Value? {
        get { self[.metric(metric)] }
        set { self[.metric(metric)] = newValue }
    }
}
