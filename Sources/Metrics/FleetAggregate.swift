/// Figures over several nodes, where adding them up means something: sums of the primaries'
/// rates, the hit ratio of the summed hits and misses (not a mean of ratios), the highest
/// memory ratio (the node that evicts first). Replicas are left out of the sums (their reads
/// are not the primaries'), and so are nodes that are down; non-additive figures (latency,
/// fragmentation) are not aggregated at all.
public struct FleetAggregate: Sendable {
    /// Nodes counted: primaries (or role unknown) that are up.
    public let nodes: [String]
    /// Summed ops/s.
    public let opsPerSec: Double?
    /// Summed hits/s over summed lookups/s.
    public let hitRatio: Double?
    /// Summed evictions/s.
    public let evictedPerSec: Double?
    /// Summed expirations/s.
    public let expiredPerSec: Double?
    /// Summed keys.
    public let keys: Double?
    /// Summed used memory.
    public let usedMemoryBytes: Double?
    /// The highest used/maxmemory ratio among them.
    public let maxMemoryRatio: Double?

    /// Aggregates the newest values of the store's primaries (every node answering when no
    /// role is known).
    public init(store: some SeriesReading) {
        let up = store.nodeNames.compactMap { store[$0] }.filter(\.isUp)
        let counted = up.filter { $0.lastInfo?.replication.role != .replica }
        nodes = counted.map(\.node)
        func sum(_ metric: Metric) -> Double? {
            let values = counted.compactMap { $0.latest(metric) }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        opsPerSec = sum(.opsPerSec)
        evictedPerSec = sum(.evictedPerSec)
        expiredPerSec = sum(.expiredPerSec)
        keys = sum(.keys)
        usedMemoryBytes = sum(.usedMemoryBytes)
        if let hits = sum(.hitsPerSec), let misses = sum(.missesPerSec), hits + misses > 0 {
            hitRatio = hits / (hits + misses)
        } else {
            hitRatio = nil
        }
        maxMemoryRatio = counted.compactMap { $0.latest(.memoryUsedRatio) }.max()
    }
}
