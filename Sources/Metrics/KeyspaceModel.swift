import Foundation
import Telemetry

/// The keyspace as the samples describe it: big keys, TTL distribution, namespaces with
/// estimated totals, and a forecast of expiry waves — scaled from the sampled fraction to the
/// exact key counts of `INFO keyspace`.
public struct KeyspaceModel: Sendable {
    /// Thresholds and caps.
    public struct Configuration: Sendable {
        /// Big keys kept per list.
        public var topK: Int
        /// A string this large (bytes of memory) is big.
        public var bigStringBytes: Int64
        /// A collection with this many elements (or, without lengths, this much memory) is big.
        public var bigCollectionLength: Int64
        /// Distinct namespaces tracked; the rest go to `other`.
        public var namespaceCap: Int
        /// How far ahead expiry waves are forecast, in seconds.
        public var horizonSeconds: Int

        /// Creates a configuration with the documented defaults.
        public init(
            topK: Int = 20, bigStringBytes: Int64 = 1_048_576, bigCollectionLength: Int64 = 10_000,
            namespaceCap: Int = 200, horizonSeconds: Int = 600
        ) {
            self.topK = max(1, topK)
            self.bigStringBytes = bigStringBytes
            self.bigCollectionLength = bigCollectionLength
            self.namespaceCap = max(1, namespaceCap)
            self.horizonSeconds = max(1, horizonSeconds)
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// Keys sampled so far (each key once per pass).
    public private(set) var sampledKeys = 0
    /// Keys in the database, from `INFO keyspace` (exact); `nil` until known.
    public private(set) var totalKeys: Int64?
    /// The biggest keys by memory, biggest first.
    public private(set) var biggestByMemory: [KeyMetadata] = []
    /// The longest keys by element count (when lengths are read), longest first.
    public private(set) var biggestByLength: [KeyMetadata] = []
    /// The biggest key by memory of each type (what `redis-cli --memkeys` reports).
    public var biggestByType: [String: KeyMetadata] { topByType.compactMapValues(\.first) }
    /// The top-K keys by memory of each type, biggest first.
    public private(set) var topByType: [String: [KeyMetadata]] = [:]
    /// Keys per TTL bucket over all namespaces.
    public private(set) var ttlBuckets: [TTLBucket: Int] = [:]
    /// Namespaces by pattern.
    public private(set) var namespaces: [String: NamespaceStats] = [:]
    private var expiryCounts: [Int64: Int] = [:]
    private static let other = "(other)"
    private static let reservoir = 2000
    /// Sampled keys that must share an expiry second before it counts as a wave.
    public static let minimumWaveSample = 5

    /// An empty model.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Records one sampled key; `now` dates its TTL when the key carries no observation time.
    public mutating func record(_ key: KeyMetadata, now: Date) {
        sampledKeys += 1
        let bucket = TTLBucket(ttlMilliseconds: key.ttlMilliseconds)
        ttlBuckets[bucket, default: 0] += 1
        let pattern = namespace(of: key)
        var stats = namespaces[pattern] ?? NamespaceStats(name: pattern)
        stats.sampledKeys += 1
        stats.sampledMemory += key.memoryBytes ?? 0
        stats.ttlBuckets[bucket, default: 0] += 1
        if let ttl = key.ttlMilliseconds {
            stats.ttlSum += ttl
            stats.minimumTTL = min(stats.minimumTTL ?? ttl, ttl)
            stats.maximumTTL = max(stats.maximumTTL ?? ttl, ttl)
            let expiresAt = key.expiresAt ?? now.addingTimeInterval(Double(ttl) / 1000)
            let expiry = Int64(expiresAt.timeIntervalSince1970.rounded(.down))
            if stats.expiries.count < Self.reservoir {
                stats.expiries.append(Int64((expiresAt.timeIntervalSince1970 * 1000).rounded()))
            }
            expiryCounts[expiry, default: 0] += 1
            if expiryCounts.count > 100_000 {
                // Forget seconds already past: the forecast only looks ahead.
                let current = Int64(now.timeIntervalSince1970)
                expiryCounts = expiryCounts.filter { $0.key > current }
            }
        } else {
            stats.withoutTTL += 1
        }
        namespaces[pattern] = stats
        let topK = configuration.topK
        Self.insert(key, into: &topByType[key.type, default: []], keeping: topK, by: { $0.memoryBytes ?? -1 })
        Self.insert(key, into: &biggestByMemory, keeping: topK, by: { $0.memoryBytes ?? -1 })
        if key.length != nil { Self.insert(key, into: &biggestByLength, keeping: topK, by: { $0.length ?? -1 }) }
    }

    /// The namespace a key is counted in: its pattern, or `(other)` once the cap is reached.
    public func namespace(of key: KeyMetadata) -> String {
        let pattern = NamespacePattern.of(key.name)
        if namespaces[pattern] == nil && namespaces.count >= configuration.namespaceCap { return Self.other }
        return pattern
    }

    /// The most keys of a namespace (estimated) expiring in one second within the horizon,
    /// from its sampled expiry times scaled to its estimated keys with a TTL. Fewer than
    /// ``minimumWaveSample`` sampled keys in that second is coincidence, not a wave: 0.
    public func expiryWave(of namespace: String, now: Date) -> Double {
        guard let stats = namespaces[namespace], !stats.expiries.isEmpty else { return 0 }
        let start = Int64(now.timeIntervalSince1970)
        let end = start + Int64(configuration.horizonSeconds)
        var perSecond: [Int64: Int] = [:]
        for expiry in stats.expiries {
            let second = expiry / 1000
            if second > start && second <= end { perSecond[second, default: 0] += 1 }
        }
        guard let peak = perSecond.values.max(), peak >= Self.minimumWaveSample else { return 0 }
        let withTTL = estimatedKeys(namespace) * (1 - stats.shareWithoutTTL)
        return Double(peak) * max(1, withTTL / Double(stats.expiries.count))
    }

    /// Updates the exact key count from `INFO keyspace` (the database being sampled).
    public mutating func updateTotal(keys: Int64) {
        totalKeys = keys
    }

    /// Sampled keys → estimated keys: the factor from the sampled fraction of the database.
    public var scale: Double {
        guard let totalKeys, sampledKeys > 0 else { return 1 }
        return max(1, Double(totalKeys) / Double(sampledKeys))
    }

    /// The estimated number of keys of a namespace in the whole database. A pattern without
    /// `*` names one key: it is counted once, never scaled.
    public func estimatedKeys(_ namespace: String) -> Double {
        let sampled = Double(namespaces[namespace]?.sampledKeys ?? 0)
        return isLiteral(namespace) ? min(sampled, 1) : sampled * scale
    }

    /// The estimated memory of a namespace in the whole database (a literal key: its own size).
    public func estimatedMemory(_ namespace: String) -> Double {
        let sampled = Double(namespaces[namespace]?.sampledMemory ?? 0)
        guard isLiteral(namespace) else { return sampled * scale }
        return sampled / Double(max(1, namespaces[namespace]?.sampledKeys ?? 1))
    }

    private func isLiteral(_ namespace: String) -> Bool {
        namespace != Self.other && !namespace.contains("*")
    }

    /// Namespaces, most keys first.
    public var namespacesByKeys: [NamespaceStats] {
        namespaces.values.sorted { ($0.sampledKeys, $0.name) > ($1.sampledKeys, $1.name) }
    }

    /// Whether a key is big by the thresholds.
    public func isBig(_ key: KeyMetadata) -> Bool {
        if key.type == "string" { return (key.memoryBytes ?? 0) >= configuration.bigStringBytes }
        if let length = key.length { return length >= configuration.bigCollectionLength }
        return (key.memoryBytes ?? 0) >= configuration.bigStringBytes
    }

    /// Estimated keys expiring in each second from `now` over the horizon (index 0 = the next second).
    public func expiryForecast(now: Date) -> [Double] {
        let start = Int64(now.timeIntervalSince1970)
        return (0..<configuration.horizonSeconds).map { offset in
            Double(expiryCounts[start + Int64(offset) + 1] ?? 0) * scale
        }
    }

    /// The largest waves in the forecast: (seconds from now, estimated keys), biggest first.
    public func expiryPeaks(now: Date, count: Int = 5) -> [(secondsFromNow: Int, keys: Double)] {
        expiryForecast(now: now).enumerated().filter { $0.element > 0 }
            .sorted { $0.element > $1.element }.prefix(count).map { ($0.offset + 1, $0.element) }
    }

    private static func insert(
        _ key: KeyMetadata, into list: inout [KeyMetadata], keeping topK: Int, by measure: (KeyMetadata) -> Int64
    ) {
        if let existing = list.firstIndex(where: { $0.name == key.name }) { list.remove(at: existing) }
        let value = measure(key)
        guard value >= 0 else { return }
        if list.count >= topK, let last = list.last, measure(last) >= value { return }
        let position = list.firstIndex { measure($0) < value } ?? list.count
        list.insert(key, at: position)
        if list.count > topK { list.removeLast() }
    }
}
