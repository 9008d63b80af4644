import Foundation
import Telemetry

/// The time-series store: one ``NodeMetrics`` per node, fed with samples in time order.
public struct MetricStore: Sendable {
    /// Ticks kept per series (3,600 = one hour at 1 s).
    public let capacity: Int
    /// Polls over which PING percentiles are computed.
    public let latencyWindow: Int
    /// Slow-log entries kept per node.
    public let slowlogCapacity: Int
    private var nodesByName: [String: NodeMetrics] = [:]
    /// Node names in the order they first reported.
    public private(set) var nodeNames: [String] = []

    /// Creates an empty store.
    public init(capacity: Int = 3600, latencyWindow: Int = 60, slowlogCapacity: Int = 256) {
        self.capacity = max(2, capacity)
        self.latencyWindow = max(1, latencyWindow)
        self.slowlogCapacity = max(1, slowlogCapacity)
    }

    /// Adds one sample to its node's series.
    public mutating func ingest(_ sample: Sample) {
        if nodesByName[sample.node] == nil {
            nodesByName[sample.node] = NodeMetrics(
                node: sample.node, capacity: capacity, latencyWindow: latencyWindow, slowlogCapacity: slowlogCapacity)
            nodeNames.append(sample.node)
        }
        nodesByName[sample.node]?.ingest(sample)
    }

    /// Sets a figure from outside the poll for `node` (recorded with its next ticks).
    public mutating func setExternal(node: String, _ metric: Metric, _ value: Double?) {
        nodesByName[node]?.setExternal(metric.rawValue, value)
    }

    /// Replaces the newest values of a labelled metric (one per namespace) for `node`.
    public mutating func setInstances(node: String, _ metric: Metric, _ values: [String: Double]) {
        nodesByName[node]?.setInstances(metric.rawValue, values)
    }

    /// Records what key sampling found on `node`: the node-level figures with its next ticks,
    /// the per-namespace ones as they are now.
    public mutating func record(_ sampling: KeyspaceSampling, node: String, now: Date) {
        let figures = sampling.figures(now: now)
        for (metric, value) in figures.perNode { setExternal(node: node, metric, value) }
        for (metric, values) in figures.perNamespace { setInstances(node: node, metric, values) }
    }

    /// The series of one node.
    public subscript(node: String) -> NodeMetrics? { nodesByName[node] }
}
