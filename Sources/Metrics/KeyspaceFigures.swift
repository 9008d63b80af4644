import Foundation
import Telemetry

/// What key sampling says about a node's keyspace at one moment, taken from the model once a
/// second: the figures the keyspace view, the overview, snapshots and the rules show — big and
/// hot keys, namespaces with their estimates and waves, the TTL distribution, the expiry
/// forecast — without the model's records. A value the dashboard draws many times for the cost
/// of one walk of the model, and what a recording keeps (a few kilobytes) so that a replay shows
/// the keyspace as it was.
public struct KeyspaceFigures: Sendable, Equatable {
    /// One namespace's figures.
    public struct Namespace: Sendable, Equatable {
        /// What the sample says of it.
        public var stats: NamespaceStats
        /// Its estimated keys in the whole database.
        public var estimatedKeys: Double
        /// Its estimated memory in the whole database, in bytes.
        public var estimatedMemory: Double
        /// The most of its keys (estimated) expiring in one second within the horizon.
        public var expiryWave: Double

        /// Creates a namespace's figures.
        public init(stats: NamespaceStats, estimatedKeys: Double, estimatedMemory: Double, expiryWave: Double) {
            self.stats = stats
            self.estimatedKeys = estimatedKeys
            self.estimatedMemory = estimatedMemory
            self.expiryWave = expiryWave
        }
    }

    /// When the figures were taken.
    public var takenAt: Date
    /// Keys in the sampled database, from `INFO keyspace`; `nil` until known.
    public var totalKeys: Int64?
    /// Keys the sample stands for.
    public var sampledKeys: Int
    /// Passes over the keyspace completed.
    public var passes: Int
    /// Sampler parts the server refused, with reasons.
    public var unavailable: [String]
    /// A string this large (bytes of memory) is big.
    public var bigStringBytes: Int64
    /// A collection with this many elements is big.
    public var bigCollectionLength: Int64
    /// How far ahead the forecast goes, in seconds.
    public var horizonSeconds: Int
    /// Namespaces by pattern.
    public var namespaces: [String: Namespace]
    /// Keys per TTL bucket over all namespaces.
    public var ttlBuckets: [TTLBucket: Int]
    /// Estimated keys expiring in each second after ``takenAt`` (index 0: the next second).
    public var forecast: [Double]
    /// The biggest keys by memory, biggest first.
    public var biggestByMemory: [KeyMetadata]
    /// The memory ranking kept deeper (``KeyspaceModel/biggestByMemoryForRuns``) for lists that
    /// collapse same-size runs; the top K alone where only those are known (a recording).
    public var biggestByMemoryForRuns: [KeyMetadata]
    /// The longest keys by element count, longest first.
    public var biggestByLength: [KeyMetadata]
    /// The hottest sampled keys by `OBJECT FREQ`, hottest first.
    public var hottest: [KeyMetadata]
    /// The biggest key by memory of each type.
    public var biggestByType: [String: KeyMetadata]
    /// The namespace of each key listed above (the model's, `(other)` past its cap).
    public var keyNamespaces: [[UInt8]: String]

    /// Creates figures from their parts (a recording's decoder, tests).
    public init(
        takenAt: Date, totalKeys: Int64?, sampledKeys: Int, passes: Int, unavailable: [String],
        bigStringBytes: Int64, bigCollectionLength: Int64, horizonSeconds: Int, namespaces: [String: Namespace],
        ttlBuckets: [TTLBucket: Int], forecast: [Double], biggestByMemory: [KeyMetadata],
        biggestByLength: [KeyMetadata], hottest: [KeyMetadata], biggestByType: [String: KeyMetadata],
        keyNamespaces: [[UInt8]: String]
    ) {
        self.takenAt = takenAt
        self.totalKeys = totalKeys
        self.sampledKeys = sampledKeys
        self.passes = passes
        self.unavailable = unavailable
        self.bigStringBytes = bigStringBytes
        self.bigCollectionLength = bigCollectionLength
        self.horizonSeconds = horizonSeconds
        self.namespaces = namespaces
        self.ttlBuckets = ttlBuckets
        self.forecast = forecast
        self.biggestByMemory = biggestByMemory
        self.biggestByMemoryForRuns = biggestByMemory
        self.biggestByLength = biggestByLength
        self.hottest = hottest
        self.biggestByType = biggestByType
        self.keyNamespaces = keyNamespaces
    }

    /// The figures of `sampling` at `now`: one walk of its model.
    public init(_ sampling: KeyspaceSampling, now: Date) {
        let model = sampling.model
        var namespaces: [String: Namespace] = [:]
        for (name, stats) in model.namespaces {
            namespaces[name] = Namespace(
                stats: stats, estimatedKeys: model.estimatedKeys(name), estimatedMemory: model.estimatedMemory(name),
                expiryWave: model.expiryWave(of: name, now: now))
        }
        let byType = model.biggestByType
        var keyNamespaces: [[UInt8]: String] = [:]
        let forRuns = model.biggestByMemoryForRuns
        for key in forRuns + model.biggestByLength + model.hottest + byType.values {
            keyNamespaces[key.name] = model.namespace(of: key)
        }
        self.init(
            takenAt: now, totalKeys: model.totalKeys, sampledKeys: model.sampledKeys, passes: sampling.passes,
            unavailable: sampling.unavailable, bigStringBytes: model.configuration.bigStringBytes,
            bigCollectionLength: model.configuration.bigCollectionLength,
            horizonSeconds: model.configuration.horizonSeconds, namespaces: namespaces, ttlBuckets: model.ttlBuckets,
            forecast: model.expiryForecast(now: now), biggestByMemory: model.biggestByMemory,
            biggestByLength: model.biggestByLength, hottest: model.hottest, biggestByType: byType,
            keyNamespaces: keyNamespaces)
        biggestByMemoryForRuns = forRuns
    }

    /// Equal figures: every figure alike. The deeper ranking kept for collapsing runs
    /// (``biggestByMemoryForRuns``) is a view aid, not a figure: a recording keeps the top K
    /// only, and figures read back from it equal those written.
    public static func == (lhs: KeyspaceFigures, rhs: KeyspaceFigures) -> Bool {
        lhs.takenAt == rhs.takenAt && lhs.totalKeys == rhs.totalKeys && lhs.sampledKeys == rhs.sampledKeys
            && lhs.passes == rhs.passes && lhs.unavailable == rhs.unavailable
            && lhs.bigStringBytes == rhs.bigStringBytes && lhs.bigCollectionLength == rhs.bigCollectionLength
            && lhs.horizonSeconds == rhs.horizonSeconds && lhs.namespaces == rhs.namespaces
            && lhs.ttlBuckets == rhs.ttlBuckets && lhs.forecast == rhs.forecast
            && lhs.biggestByMemory == rhs.biggestByMemory && lhs.biggestByLength == rhs.biggestByLength
            && lhs.hottest == rhs.hottest && lhs.biggestByType == rhs.biggestByType
            && lhs.recordedKeyNamespaces == rhs.recordedKeyNamespaces
    }

    /// The namespaces of the keys a recording keeps (those of the figures' key lists).
    private var recordedKeyNamespaces: [[UInt8]: String] {
        let names = Set((biggestByMemory + biggestByLength + hottest + Array(biggestByType.values)).map(\.name))
        return keyNamespaces.filter { names.contains($0.key) }
    }

    /// Whether a key is big by the thresholds (those of ``KeyspaceModel/isBig(_:)``).
    public func isBig(_ key: KeyMetadata) -> Bool {
        if key.type == "string" { return (key.memoryBytes ?? 0) >= bigStringBytes }
        if let length = key.length { return length >= bigCollectionLength }
        return (key.memoryBytes ?? 0) >= bigStringBytes
    }

    /// The namespace a listed key is counted in.
    public func namespace(of key: KeyMetadata) -> String {
        keyNamespaces[key.name] ?? NamespacePattern.of(key.name)
    }

    /// Sampled keys → keys in the database (1 until both are known).
    public var scale: Double {
        guard let totalKeys, sampledKeys > 0 else { return 1 }
        return Double(totalKeys) / Double(sampledKeys)
    }

    /// Namespaces, most keys first.
    public var namespacesByKeys: [Namespace] {
        namespaces.values.sorted { ($0.stats.sampledKeys, $0.stats.name) > ($1.stats.sampledKeys, $1.stats.name) }
    }

    /// A namespace's estimated keys in the whole database (0 when not sampled).
    public func estimatedKeys(_ namespace: String) -> Double { namespaces[namespace]?.estimatedKeys ?? 0 }

    /// A namespace's estimated memory in the whole database (0 when not sampled).
    public func estimatedMemory(_ namespace: String) -> Double { namespaces[namespace]?.estimatedMemory ?? 0 }

    /// A namespace's biggest expiry wave ahead (0 when not sampled).
    public func expiryWave(of namespace: String) -> Double { namespaces[namespace]?.expiryWave ?? 0 }

    /// Estimated keys expiring in each second after `now` over the horizon: the forecast taken
    /// at ``takenAt``, moved on by the seconds since (the seconds past its end are unknown: 0).
    public func expiryForecast(now: Date) -> [Double] {
        let shift = max(
            0, Int(now.timeIntervalSince1970.rounded(.down)) - Int(takenAt.timeIntervalSince1970.rounded(.down)))
        guard shift > 0 else { return forecast }
        guard shift < forecast.count else { return [Double](repeating: 0, count: forecast.count) }
        return Array(forecast[shift...]) + [Double](repeating: 0, count: shift)
    }

    /// The largest waves in the forecast at `now`: (seconds from now, estimated keys), biggest first.
    public func expiryPeaks(now: Date, count: Int = 5) -> [(secondsFromNow: Int, keys: Double)] {
        expiryForecast(now: now).enumerated().filter { $0.element > 0 }
            .sorted { $0.element > $1.element }.prefix(count).map { ($0.offset + 1, $0.element) }
    }

    /// The figures rules read: per node (the biggest expiry wave ahead, the lowest TTL jitter,
    /// the big keys listed) and per namespace, by metric then namespace.
    public var ruleFigures: (perNode: [(Metric, Double?)], perNamespace: [(Metric, [String: Double])]) {
        var keys: [String: Double] = [:]
        var noTTL: [String: Double] = [:]
        var jitter: [String: Double] = [:]
        var wave: [String: Double] = [:]
        var big: [String: Double] = [:]
        for (name, namespace) in namespaces {
            keys[name] = namespace.estimatedKeys
            noTTL[name] = namespace.stats.shareWithoutTTL
            if let value = namespace.stats.ttlJitter { jitter[name] = value }
            wave[name] = namespace.expiryWave
            big[name] = 0
        }
        var seen = Set<[UInt8]>()
        for key in biggestByMemory + biggestByLength where isBig(key) {
            guard seen.insert(key.name).inserted else { continue }
            big[namespace(of: key), default: 0] += 1
        }
        let perNode: [(Metric, Double?)] = [
            (.expiryWaveKeys, expiryPeaks(now: takenAt, count: 1).first?.keys ?? 0),
            (.ttlJitterMin, jitter.values.min()),
            (.bigKeys, Double(seen.count)),
        ]
        let perNamespace: [(Metric, [String: Double])] = [
            (.namespaceKeys, keys), (.namespaceNoTTLShare, noTTL), (.namespaceTTLJitter, jitter),
            (.namespaceExpiryWaveKeys, wave), (.namespaceBigKeys, big),
        ]
        return (perNode, perNamespace)
    }
}
