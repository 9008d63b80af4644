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
    /// Every node's series, in the order the nodes first reported (``nodeNames``' order): what
    /// the exposition reads every tick, handed over as it is rather than gathered by name.
    public private(set) var nodes: [NodeMetrics] = []
    /// Each node's index in ``nodes``.
    private var indexByName: [String: Int] = [:]
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
        let index: Int
        if let known = indexByName[sample.node] {
            index = known
        } else {
            index = nodes.count
            nodes.append(
                NodeMetrics(
                    node: sample.node, capacity: capacity, latencyWindow: latencyWindow,
                    slowlogCapacity: slowlogCapacity))
            indexByName[sample.node] = index
            nodeNames.append(sample.node)
        }
        nodes[index].ingest(sample)
        if nodes[index].lastInfo?.isClusterEnabled == true { updateClusterShares() }
    }

    /// The primaries of a Redis Cluster among the nodes (up, in cluster mode, `role:master`),
    /// in the order they first reported.
    public var clusterPrimaries: [String] {
        nodes.indices.filter { index in
            guard nodes[index].isUp, let info = nodes[index].lastInfo else { return false }
            return info.isClusterEnabled && info.isPrimary
        }.map { nodeNames[$0] }
    }

    /// Each cluster primary's keys, memory and ops/s over the mean of the other primaries',
    /// recorded with its next tick: what a hot or overweight shard looks like. Cleared on nodes
    /// that are no longer primaries, and everywhere while fewer than two primaries report.
    private mutating func updateClusterShares() {
        let primaries = clusterPrimaries
        let shared: [(Metric, Metric, Double)] = [
            (.keysVsOtherPrimaries, .keys, 1), (.memoryVsOtherPrimaries, .usedMemoryBytes, 1),
            (.opsVsOtherPrimaries, .opsPerSec, 1),
        ]
        for (index, name) in nodeNames.enumerated() where !primaries.contains(name) || primaries.count < 2 {
            for (share, _, _) in shared { nodes[index].setExternal(share, nil) }
        }
        guard primaries.count >= 2 else { return }
        for (share, source, floor) in shared {
            let values = primaries.map { name in indexByName[name].flatMap { nodes[$0].latest(source) } }
            let total = values.reduce(0) { $0 + ($1 ?? 0) }
            for (name, value) in zip(primaries, values) {
                guard let index = indexByName[name] else { continue }
                guard let value, values.allSatisfy({ $0 != nil }) else {
                    nodes[index].setExternal(share, nil)
                    continue
                }
                let othersMean = (total - value) / Double(primaries.count - 1)
                nodes[index].setExternal(share, value / max(othersMean, floor))
            }
        }
    }

    /// Sets a figure from outside the poll for `node` (recorded with its next ticks).
    public mutating func setExternal(node: String, _ metric: Metric, _ value: Double?) {
        if let index = indexByName[node] { nodes[index].setExternal(metric, value) }
    }

    /// Replaces the newest values of a labelled metric (one per namespace) for `node`; `nil`
    /// makes it not reported there (a gap).
    public mutating func setInstances(node: String, _ metric: Metric, _ values: [String: Double]?) {
        if let index = indexByName[node] { nodes[index].setInstances(metric, values) }
    }

    /// Records what key sampling found on `node`: the node-level figures with its next ticks,
    /// the per-namespace ones as they are now.
    public mutating func record(_ sampling: KeyspaceSampling, node: String, now: Date) {
        let figures = sampling.figures(now: now)
        for (metric, value) in figures.perNode { setExternal(node: node, metric, value) }
        for (metric, values) in figures.perNamespace { setInstances(node: node, metric, values) }
    }

    /// Forgets a node (it left the cluster): its series, and its place in the order.
    public mutating func remove(node: String) {
        guard let index = indexByName.removeValue(forKey: node) else { return }
        nodes.remove(at: index)
        nodeNames.remove(at: index)
        for (later, name) in nodeNames.enumerated().dropFirst(index) { indexByName[name] = later }
        updateClusterShares()
    }

    /// The series of one node.
    public subscript(node: String) -> NodeMetrics? { indexByName[node].map { nodes[$0] } }
}
