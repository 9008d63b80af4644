/// What the sample says about one namespace now. Counts are in keys: each sampled record stands
/// for the keys its namespace's sampling rate skipped (exact while the namespace is small).
public struct NamespaceStats: Sendable, Hashable {
    /// The pattern, e.g. `user:*:profile`.
    public let name: String
    /// Keys the sample stands for (records × the keys each stands for).
    public internal(set) var sampledKeys = 0
    /// Records behind the figures: the sample size.
    public internal(set) var records = 0
    /// `MEMORY USAGE` of the keys the sample stands for.
    public internal(set) var sampledMemory: Int64 = 0
    /// Keys without a TTL among them.
    public internal(set) var withoutTTL = 0
    /// Keys per TTL bucket (remaining TTL when observed).
    public internal(set) var ttlBuckets: [TTLBucket: Int] = [:]
    /// Smallest and largest remaining TTL observed, in milliseconds.
    public internal(set) var minimumTTL: Int64?, maximumTTL: Int64?
    /// Sum of remaining TTLs observed (for the mean), in milliseconds.
    public internal(set) var ttlSum: Int64 = 0
    /// How spread the expiry times of the keys alive now are: the interquartile range of their
    /// expiry times divided by their mean remaining TTL, as of the model's last refresh. Near 0:
    /// keys written together expire together (no TTL jitter) — a stampede waiting to happen.
    /// `nil` with fewer than 20 sampled keys whose TTL still runs.
    public internal(set) var ttlJitter: Double?

    init(name: String) {
        self.name = name
    }

    /// Creates stats from their figures (a recording's decoder, tests).
    public init(
        name: String, sampledKeys: Int, records: Int, sampledMemory: Int64, withoutTTL: Int,
        ttlBuckets: [TTLBucket: Int], minimumTTL: Int64?, maximumTTL: Int64?, ttlSum: Int64, ttlJitter: Double?
    ) {
        self.name = name
        self.sampledKeys = sampledKeys
        self.records = records
        self.sampledMemory = sampledMemory
        self.withoutTTL = withoutTTL
        self.ttlBuckets = ttlBuckets
        self.minimumTTL = minimumTTL
        self.maximumTTL = maximumTTL
        self.ttlSum = ttlSum
        self.ttlJitter = ttlJitter
    }

    /// Mean remaining TTL (when observed) of the keys that have one, in seconds.
    public var meanTTLSeconds: Double? {
        let withTTL = sampledKeys - withoutTTL
        return withTTL > 0 ? Double(ttlSum) / Double(withTTL) / 1000 : nil
    }

    /// Share of keys without a TTL.
    public var shareWithoutTTL: Double { sampledKeys > 0 ? Double(withoutTTL) / Double(sampledKeys) : 0 }
}
