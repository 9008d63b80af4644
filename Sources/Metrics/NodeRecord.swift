/// One node's entry in a ``NodeTable``: its series, and whatever the table's owner keeps of the
/// node beside them (the engine keeps its key sampling, keyspace-event subscription and profile
/// there), so that a node is one value, added and dropped whole.
public protocol NodeRecord: Sendable {
    /// The entry of a node known by nothing but its (empty) series.
    init(metrics: NodeMetrics)
    /// The node's series.
    var metrics: NodeMetrics { get set }
}

extension NodeMetrics: NodeRecord {
    /// The series themselves, as the entry of a table that keeps nothing else.
    public init(metrics: NodeMetrics) { self = metrics }

    /// The series themselves.
    public var metrics: NodeMetrics {
        get { self }
        _modify { yield &self }
        set { self = newValue }
    }
}
