import Foundation

/// One family of cache keys in the workload, the way an application names and stores them.
struct KeyFamily: Sendable {
    /// How long a refilled key lives.
    enum TTLPolicy: Sendable {
        /// Uniform in a range: spread expiries (the healthy way).
        case jittered(ClosedRange<Int>)
        /// Always the same: keys written together expire together.
        case fixed(Int)
        /// Every key expires at the next multiple of this many seconds of the clock: the whole
        /// family expires in the same second (the stampede maker).
        case synchronized(period: Int)
    }

    /// The family's share of reads (weights are relative).
    let weight: Int
    /// Popularity.
    let sampler: ZipfSampler
    /// Value sizes in bytes.
    let valueBytes: ClosedRange<Int>
    /// TTL policy.
    let ttl: TTLPolicy
    /// Whether a batch refills each missed key once (single-flight) or once per miss (a herd).
    let singleFlight: Bool
    /// Keys a second the application deletes on update (invalidation on write: `DEL`, the
    /// next read refills them); 0: the family is invalidated by its TTL only.
    var deletesPerSecond: Double = 0
    /// The key name for a rank.
    let name: @Sendable (Int) -> String

    /// The expiry arguments of a `SET` for this family at `now`.
    func expiryArguments(now: Date, using generator: inout SplitMix64) -> [String] {
        switch ttl {
        case .jittered(let range): return ["EX", String(Int.random(in: range, using: &generator))]
        case .fixed(let seconds): return ["EX", String(seconds)]
        case .synchronized(let period):
            let nowMilliseconds = Int64(now.timeIntervalSince1970 * 1000)
            let periodMilliseconds = Int64(period) * 1000
            return ["PXAT", String((nowMilliseconds / periodMilliseconds + 1) * periodMilliseconds)]
        }
    }
}
