import Foundation
import Telemetry

/// How much likelier than the node's average key each namespace's keys are to be evicted, from
/// the idle times (LRU policies) or access frequencies (LFU) of recently sampled keys. The server
/// evicts the least recently (or frequently) used of a few random keys — 5 by default
/// (`maxmemory-samples`) — so a key whose idle time is above a share `F` of the keys' is picked
/// about `5·F⁴` times as often as the average key; a namespace's propensity is the mean of that
/// weight over its sampled keys. Random and `volatile-ttl` policies, and keys sampled without
/// idle time or frequency, give every namespace 1.
///
/// What it is for: a tracked key removed early while the node evicts is weighed against the
/// evictions its *namespace* would see — a cold namespace under LRU takes most of them, a hot
/// one almost none (see ``NamespaceInvalidation``).
public struct EvictionPropensity: Sendable {
    /// Sampled keys kept (the newest): enough for a stable rank, recent enough to follow the
    /// traffic (100 keys a second keeps the last ~40 s).
    public static let capacity = 4_096
    /// Keys the server compares per eviction (`maxmemory-samples`' default).
    public static let comparedKeys = 5.0

    private var scores: RingBuffer<Score> = RingBuffer(capacity: Self.capacity)
    private var cached: [String: Double]?
    /// Keys added since ``cached`` was computed: it is computed again once a tenth of the keys
    /// kept are new (a rank over 4,096 keys moves little with a few more).
    private var addedSinceCached = 0

    private struct Score: Sendable {
        var namespace: String
        /// Higher: likelier to be evicted (idle seconds; minus the frequency under LFU).
        var value: Double
    }

    /// Creates an empty estimate (every namespace 1).
    public init() {}

    /// Adds sampled keys under `policy` (keys without TTL are left out under `volatile-*`, which
    /// never evicts them; nothing is added where the policy evicts at random or by TTL).
    public mutating func add(_ keys: [KeyMetadata], policy: EvictionPolicy?, namespace: ([UInt8]) -> String) {
        guard let policy else { return }
        let byFrequency = policy == .allKeysLFU || policy == .volatileLFU
        guard byFrequency || policy == .allKeysLRU || policy == .volatileLRU else { return }
        for key in keys where !policy.coversVolatileKeys || key.ttlMilliseconds != nil {
            let value = byFrequency ? key.frequency.map { -Double($0) } : key.idleSeconds.map(Double.init)
            guard let value else { continue }
            scores.append(Score(namespace: namespace(key.name), value: value))
            addedSinceCached += 1
        }
    }

    /// Per namespace, its keys' eviction weight over the average key's (1: as likely as any).
    public mutating func multipliers() -> [String: Double] {
        if let cached, addedSinceCached < Self.capacity / 10 { return cached }
        let all = Array(scores)
        guard all.count >= 50 else { return [:] }
        // Each key's share of keys with a lower score (ties at their middle): its F.
        let sorted = all.map(\.value).sorted()
        func share(below value: Double) -> Double {
            let lower = Self.index(in: sorted, of: value, strictly: true)
            let upTo = Self.index(in: sorted, of: value, strictly: false)
            return (Double(lower) + Double(upTo - lower) / 2) / Double(sorted.count)
        }
        var sums: [String: (weight: Double, count: Double)] = [:]
        for score in all {
            let weight = Self.comparedKeys * pow(share(below: score.value), Self.comparedKeys - 1)
            sums[score.namespace, default: (0, 0)].weight += weight
            sums[score.namespace, default: (0, 0)].count += 1
        }
        let multipliers = sums.mapValues { $0.weight / $0.count }
        cached = multipliers
        addedSinceCached = 0
        return multipliers
    }

    /// How many of `sorted` are below `value` (or at most `value` when not `strictly`).
    private static func index(in sorted: [Double], of value: Double, strictly: Bool) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if strictly ? sorted[middle] < value : sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
