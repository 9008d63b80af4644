import Foundation
import Telemetry

/// The series of every node fed with samples in time order — ``MetricStore``, the plain table —
/// each node's entry (a ``NodeRecord``) keyed once by its name, with whatever its owner keeps of
/// the node beside the series: removing a node drops its one entry.
public struct NodeTable<Record: NodeRecord>: SeriesReading {
    /// Ticks kept per series (3,600 = one hour at 1 s).
    public let capacity: Int
    /// Polls over which PING percentiles are computed.
    public let latencyWindow: Int
    /// Slow-log entries kept per node.
    public let slowlogCapacity: Int
    /// Every node's entry, in the order the nodes became known (by a sample, or by what their
    /// owner noted of them before their first poll).
    public private(set) var records: [Record] = []
    /// Each node's index in ``records``.
    private var indexByName: [String: Int] = [:]
    /// Node names in the order they first reported (a sample, even a failed poll).
    public private(set) var nodeNames: [String] = []
    /// Where the usual traffic of a time of day is read (a recording), if anywhere: surge
    /// ratios compare with it (see ``SurgeBaseline``).
    public var seasonalHistory: (any SeasonalHistory)?

    /// Creates an empty table.
    public init(capacity: Int = 3600, latencyWindow: Int = 60, slowlogCapacity: Int = 256) {
        self.capacity = max(2, capacity)
        self.latencyWindow = max(1, latencyWindow)
        self.slowlogCapacity = max(1, slowlogCapacity)
    }

    /// The nodes of `other`, their series and their order, in entries of this table's kind
    /// (what `other` kept beside the series is left behind).
    init<Other>(_ other: NodeTable<Other>) {
        capacity = other.capacity
        latencyWindow = other.latencyWindow
        slowlogCapacity = other.slowlogCapacity
        records = other.records.map { Record(metrics: $0.metrics) }
        indexByName = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($1.metrics.node, $0) })
        nodeNames = other.nodeNames
    }

    /// The index of `node`'s entry, made (with empty series) when the node is new.
    fileprivate mutating func index(of node: String) -> Int {
        if let known = indexByName[node] { return known }
        records.append(
            Record(
                metrics: NodeMetrics(
                    node: node, capacity: capacity, latencyWindow: latencyWindow, slowlogCapacity: slowlogCapacity)))
        indexByName[node] = records.count - 1
        return records.count - 1
    }

    /// Adds one sample to its node's series (its surge ratios against ``seasonalHistory``'s
    /// usual rates of that time of day, where it has them).
    public mutating func ingest(_ sample: Sample) {
        let index = index(of: sample.node)
        if records[index].metrics.count == 0 { nodeNames.append(sample.node) }
        let usual = seasonalHistory?.usualRates(of: sample.node, at: sample.time.timeIntervalSince1970)
        records[index].metrics.ingest(sample, usual: usual)
        if records[index].metrics.lastInfo?.isClusterEnabled == true { updateClusterShares() }
    }

    /// The entry of `node`, reported or not.
    public func record(of node: String) -> Record? { indexByName[node].map { records[$0] } }

    /// Changes the entry of `node` in place, making it first if the node is not known yet (it is
    /// listed in ``nodeNames`` once it reports).
    public mutating func update<Result>(_ node: String, _ body: (inout Record) -> Result) -> Result {
        body(&records[index(of: node)])
    }

    /// The primaries of a Redis Cluster among the nodes (up, in cluster mode, `role:master`),
    /// in the order they first reported.
    public var clusterPrimaries: [String] {
        nodeNames.filter { name in
            guard let metrics = self[name], metrics.isUp, let info = metrics.lastInfo else { return false }
            return info.isClusterEnabled && info.isPrimary
        }
    }

    /// Each cluster primary's keys, memory and ops/s over the mean of the other primaries',
    /// recorded with its next tick: what a hot or overweight shard looks like. Cleared on nodes
    /// that are no longer primaries, and everywhere while fewer than two primaries report.
    ///
    /// The mean is taken as at least a floor — 1,000 keys, 64 MiB, 100 ops/s — below which an
    /// idle shard is not a yardstick: 300 ops/s beside peers at 0.1 is 3×, not 3,000×.
    private mutating func updateClusterShares() {
        let primaries = clusterPrimaries
        let shared: [(Metric, Metric, Double)] = [
            (.keysVsOtherPrimaries, .keys, 1_000), (.memoryVsOtherPrimaries, .usedMemoryBytes, 64 * 1_048_576),
            (.opsVsOtherPrimaries, .opsPerSec, 100),
        ]
        for name in nodeNames where !primaries.contains(name) || primaries.count < 2 {
            for (share, _, _) in shared { setExternal(node: name, share, nil) }
        }
        guard primaries.count >= 2 else { return }
        for (share, source, floor) in shared {
            let values = primaries.map { self[$0]?.latest(source) }
            let total = values.reduce(0) { $0 + ($1 ?? 0) }
            for (name, value) in zip(primaries, values) {
                guard let value, values.allSatisfy({ $0 != nil }) else {
                    setExternal(node: name, share, nil)
                    continue
                }
                let othersMean = (total - value) / Double(primaries.count - 1)
                setExternal(node: name, share, value / max(othersMean, floor))
            }
        }
    }

    /// Sets a figure from outside the poll for `node` (recorded with its next ticks); ignored
    /// for a node that has not reported.
    public mutating func setExternal(node: String, _ metric: Metric, _ value: Double?) {
        guard let index = indexByName[node], records[index].metrics.count > 0 else { return }
        records[index].metrics.setExternal(metric, value)
    }

    /// Replaces the newest values of a labelled metric (one per namespace) for `node`; `nil`
    /// makes it not reported there (a gap). Ignored for a node that has not reported.
    public mutating func setInstances(node: String, _ metric: Metric, _ values: [String: Double]?) {
        guard let index = indexByName[node], records[index].metrics.count > 0 else { return }
        records[index].metrics.setInstances(metric, values)
    }

    /// Records what key sampling found on `node`: the node-level figures with its next ticks,
    /// the per-namespace ones as they are now.
    public mutating func record(_ keyspace: KeyspaceFigures, node: String) {
        guard let index = indexByName[node], records[index].metrics.count > 0 else { return }
        records[index].metrics.record(keyspace)
    }

    /// Records the hot keys a session cachewatch ran measured on `node` (``ServerHotKeys``);
    /// ignored for a node that has not reported.
    public mutating func record(_ hotKeys: ServerHotKeys, node: String) {
        guard let index = indexByName[node], records[index].metrics.count > 0 else { return }
        records[index].metrics.record(hotKeys)
    }

    /// Forgets a node (it left the cluster): its entry, and its place in the order.
    public mutating func remove(node: String) {
        guard let index = indexByName.removeValue(forKey: node) else { return }
        records.remove(at: index)
        for later in records.indices.dropFirst(index) { indexByName[records[later].metrics.node] = later }
        nodeNames.removeAll { $0 == node }
        updateClusterShares()
    }

    /// The series of one node that reported.
    public subscript(node: String) -> NodeMetrics? {
        guard let index = indexByName[node], records[index].metrics.count > 0 else { return nil }
        return records[index].metrics
    }
}

/// The time-series store: one ``NodeMetrics`` per node, fed with samples in time order.
public typealias MetricStore = NodeTable<NodeMetrics>

extension NodeTable {
    /// Takes a recorded tick of `node` (see ``NodeMetrics/restore(_:)``): a replay's store.
    public mutating func restore(_ tick: NodeTick, node: String) {
        let index = index(of: node)
        if records[index].metrics.count == 0 { nodeNames.append(node) }
        records[index].metrics.restore(tick)
    }
}
