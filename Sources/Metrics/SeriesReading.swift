/// Read access to every node's series — what the rules, the exposition, the exports and the
/// screens read, whoever keeps the nodes (a plain ``MetricStore``, or the engine's table of node
/// states).
public protocol SeriesReading: Sendable {
    /// The nodes that reported, in the order they first did.
    var nodeNames: [String] { get }
    /// The series of one node that reported.
    subscript(node: String) -> NodeMetrics? { get }
}

extension SeriesReading {
    /// Every node's series, in ``nodeNames``' order.
    public var nodes: [NodeMetrics] { nodeNames.compactMap { self[$0] } }
}
