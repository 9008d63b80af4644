/// What the samples say about one namespace.
public struct NamespaceStats: Sendable, Hashable {
    /// The pattern, e.g. `user:*:profile`.
    public let name: String
    /// Keys sampled.
    public internal(set) var sampledKeys = 0
    /// Sum of `MEMORY USAGE` of the sampled keys that had one.
    public internal(set) var sampledMemory: Int64 = 0
    /// Sampled keys without a TTL.
    public internal(set) var withoutTTL = 0
    /// Keys per TTL bucket.
    public internal(set) var ttlBuckets: [TTLBucket: Int] = [:]
    /// Smallest and largest remaining TTL seen, in milliseconds.
    public internal(set) var minimumTTL: Int64?, maximumTTL: Int64?
    /// Sum of remaining TTLs (for the mean).
    public internal(set) var ttlSum: Int64 = 0
    /// Absolute expiry times (unix milliseconds) of sampled keys with a TTL (bounded reservoir).
    public internal(set) var expiries: [Int64] = []

    init(name: String) {
        self.name = name
    }

    /// Mean remaining TTL of the keys that have one, in seconds.
    public var meanTTLSeconds: Double? {
        let withTTL = sampledKeys - withoutTTL
        return withTTL > 0 ? Double(ttlSum) / Double(withTTL) / 1000 : nil
    }

    /// Share of sampled keys without a TTL.
    public var shareWithoutTTL: Double { sampledKeys > 0 ? Double(withoutTTL) / Double(sampledKeys) : 0 }

    /// How spread the expiry times are: the interquartile range of the expiry seconds divided
    /// by the mean TTL. Near 0: keys written together expire together (no TTL jitter) — a
    /// stampede waiting to happen. `nil` with fewer than 20 keys with a TTL.
    public var ttlJitter: Double? {
        guard expiries.count >= 20, let mean = meanTTLSeconds, mean > 0 else { return nil }
        let sorted = expiries.sorted()
        let spread = Double(sorted[sorted.count * 3 / 4] - sorted[sorted.count / 4]) / 1000
        return spread / mean
    }
}
