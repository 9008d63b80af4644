/// The shape of the demo's cache-aside traffic.
public struct WorkloadConfiguration: Sendable {
    /// Cache reads per second (each miss adds a write).
    public var readsPerSecond: Int
    /// Distinct keys in play.
    public var keyCount: Int
    /// Zipf exponent of key popularity (higher: fewer, hotter keys).
    public var zipfExponent: Double
    /// TTLs drawn uniformly from this range of seconds (the jitter that prevents synchronised expiry).
    public var ttlSeconds: ClosedRange<Int>
    /// Value sizes drawn uniformly from this range of bytes.
    public var valueBytes: ClosedRange<Int>
    /// Seed of the random choices.
    public var seed: UInt64

    /// Creates a configuration; the defaults make a few thousand ops/s with a visible mix of
    /// hits, misses and expiries.
    public init(
        readsPerSecond: Int = 1500, keyCount: Int = 20_000, zipfExponent: Double = 0.9,
        ttlSeconds: ClosedRange<Int> = 15...90, valueBytes: ClosedRange<Int> = 100...2000, seed: UInt64 = 42
    ) {
        self.readsPerSecond = max(1, readsPerSecond)
        self.keyCount = max(1, keyCount)
        self.zipfExponent = zipfExponent
        self.ttlSeconds = ttlSeconds
        self.valueBytes = valueBytes
        self.seed = seed
    }
}
