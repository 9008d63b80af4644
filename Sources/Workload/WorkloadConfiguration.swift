/// The shape of the demo's traffic: a cache-aside application with several key families,
/// each with its own popularity, value size and TTL policy.
public struct WorkloadConfiguration: Sendable {
    /// Cache reads per second (each miss adds a write).
    public var readsPerSecond: Int
    /// Distinct `product:<id>` keys (the bulk of the traffic).
    public var keyCount: Int
    /// Zipf exponent of key popularity (higher: fewer, hotter keys).
    public var zipfExponent: Double
    /// Distinct `user:<id>:profile` keys.
    public var userCount: Int
    /// Distinct `session:<token>` keys.
    public var sessionCount: Int
    /// Distinct `price:<id>` keys (the hot family).
    public var hotKeys: Int
    /// The hot family's weight among the reads (products 40, users 15, sessions 5, pages 10).
    public var hotWeight: Int
    /// Whether the hot family expires all at once every `stampedePeriod` (a stampede each time);
    /// `false` gives it jittered TTLs of 30–90 s (a healthy cache).
    public var synchronizedExpiry: Bool
    /// Seconds between synchronised expiries of the hot `price:<id>` family (a stampede each time).
    public var stampedePeriod: Int
    /// Whether to create the big keys (`catalog:all`, a 20,000-field hash; `report:daily`, 2 MB)
    /// and read the hash now and then (a slow command).
    public var bigKeys: Bool
    /// Whether to include the `page:<id>` family of 12 KB fragments, whose working set exceeds a
    /// 64 MB `maxmemory` (memory pressure, evictions).
    public var memoryPressure: Bool
    /// `user:<id>:profile` keys deleted per second, as an application does on a profile update
    /// (invalidation on write; the next read refills the key).
    public var profileDeletesPerSecond: Double
    /// Seed of the random choices.
    public var seed: UInt64
    /// Whether a run starts by writing every key of the families (but `page:<id>`) once, with
    /// its family's size and TTL: a cache that has been running, whose first reads hit — the
    /// way a monitor finds one. Off: the cache warms from empty through its misses.
    public var prewarmed: Bool

    /// Creates a configuration; the defaults make a few thousand ops/s with hits, misses,
    /// expiries, profile deletions on update, a stampede a minute, evictions under a 64 MB limit and a few slow commands.
    public init(
        readsPerSecond: Int = 1500, keyCount: Int = 20_000, zipfExponent: Double = 0.9, userCount: Int = 10_000,
        sessionCount: Int = 5000, hotKeys: Int = 3000, hotWeight: Int = 30, synchronizedExpiry: Bool = true,
        stampedePeriod: Int = 60, bigKeys: Bool = true, memoryPressure: Bool = true,
        profileDeletesPerSecond: Double = 5, seed: UInt64 = 42, prewarmed: Bool = false
    ) {
        self.prewarmed = prewarmed
        self.profileDeletesPerSecond = max(0, profileDeletesPerSecond)
        self.readsPerSecond = max(1, readsPerSecond)
        self.keyCount = max(1, keyCount)
        self.zipfExponent = zipfExponent
        self.userCount = max(1, userCount)
        self.sessionCount = max(1, sessionCount)
        self.hotKeys = max(1, hotKeys)
        self.hotWeight = max(0, hotWeight)
        self.synchronizedExpiry = synchronizedExpiry
        self.stampedePeriod = max(5, stampedePeriod)
        self.bigKeys = bigKeys
        self.memoryPressure = memoryPressure
        self.seed = seed
    }
}
