import Foundation
import Telemetry

/// The keyspace as it is now, from sampled keys: big keys, TTL distribution, namespaces with
/// estimated totals, TTL jitter and a forecast of expiry waves — scaled to the exact key count
/// of `INFO keyspace`.
///
/// Each namespace keeps a uniform sample of its keys, chosen by the hash of the key name (see
/// ``NamespaceSample``): small namespaces are held whole, large ones thinned to a bounded number
/// of records, so memory is bounded and recording a key costs the same after a million keys as
/// after ten. A key sampled again replaces its record. When a pass over the keyspace completes,
/// the records it did not see again (deleted keys) and namespaces left empty go; TTL jitter and
/// expiry waves read only the records whose TTL still runs.
public struct KeyspaceModel: Sendable {
    /// Thresholds and caps.
    public struct Configuration: Sendable {
        /// Big keys kept per list.
        public var topK: Int
        /// A string this large (bytes of memory) is big.
        public var bigStringBytes: Int64
        /// A collection with this many elements (or, without lengths, this much memory) is big.
        public var bigCollectionLength: Int64
        /// Distinct namespaces tracked; the rest go to `(other)`.
        public var namespaceCap: Int
        /// How far ahead expiry waves are forecast, in seconds.
        public var horizonSeconds: Int
        /// Records kept per namespace before it is thinned.
        public var recordsPerNamespace: Int
        /// Records kept in all before the largest namespace is thinned.
        public var recordLimit: Int

        /// Creates a configuration with the documented defaults (those of one-shot scans): about
        /// 7 MB of records at most.
        public init(
            topK: Int = 20, bigStringBytes: Int64 = 1_048_576, bigCollectionLength: Int64 = 10_000,
            namespaceCap: Int = 200, horizonSeconds: Int = 600, recordsPerNamespace: Int = 16_384,
            recordLimit: Int = 200_000
        ) {
            self.topK = max(1, topK)
            self.bigStringBytes = bigStringBytes
            self.bigCollectionLength = bigCollectionLength
            self.namespaceCap = max(1, namespaceCap)
            self.horizonSeconds = max(1, horizonSeconds)
            self.recordsPerNamespace = max(64, recordsPerNamespace)
            self.recordLimit = max(self.recordsPerNamespace, recordLimit)
        }

        /// For continuous sampling (the dashboard, `watch`): 4,096 records a namespace and
        /// 50,000 in all (under 2 MB), full within minutes at 100 keys a second, so that a
        /// long-running process reaches its steady size early; one-shot scans keep the defaults.
        public static let continuous = Configuration(recordsPerNamespace: 4096, recordLimit: 50_000)
    }

    /// The configuration.
    public let configuration: Configuration
    /// Keys recorded since the model was made (a key seen twice counts twice).
    public private(set) var keysRecorded = 0
    /// Keys the sample stands for now: each namespace's records times the keys each stands for;
    /// when every key is counted (``isExhaustive``), the keys counted.
    public var sampledKeys: Int { isExhaustive ? countedKeys : sampleStandsFor }
    /// Keys the records stand for.
    private var sampleStandsFor = 0
    /// Keys counted one by one (dumps).
    private var countedKeys = 0
    /// Keys in the database, from `INFO keyspace` (exact); `nil` until known.
    public private(set) var totalKeys: Int64?
    /// Passes over the keyspace completed.
    public private(set) var completedPasses = 0
    /// Internal work done so far, in records visited (thinning, passes, recounts) plus one per
    /// key recorded: a measure that does not depend on the machine, for tests and benchmarks.
    public private(set) var operations = 0
    /// Whether every key was counted (a dump, ``record(dumped:type:ttlMilliseconds:memoryBytes:length:frequency:idleSeconds:nowMilliseconds:now:)``):
    /// namespaces' keys, memory and TTLs are then exact counts, not the sample's estimates.
    public private(set) var isExhaustive = false
    /// When ``refresh(now:)`` last ran: TTL jitter is as of then.
    public private(set) var refreshedAt: Date?
    /// Samples by namespace fingerprint (see ``NamespacePattern/fingerprint(of:)``), with
    /// the patterns' text built once per namespace.
    private var samples = NamespaceSamples()
    private var patterns: [UInt64: String] = [:]
    private var fingerprints: [String: UInt64] = [:]
    private var recordCount = 0
    private var jitter: [UInt64: Double] = [:]
    private static let otherFingerprint: UInt64 = 0
    private var byMemory = BigKeyList()
    /// The memory ranking for lists that collapse same-size runs: ``runDepth`` times deeper, at
    /// most top-K keys of one namespace.
    private var byMemoryForRuns = BigKeyList()
    private var byLength = BigKeyList()
    private var byFrequency = BigKeyList()
    private var byType: [TypeList] = []
    private struct TypeList: Sendable {
        let type: String
        var list: BigKeyList
    }
    private static let other = "(other)"
    /// Sampled keys that must share an expiry second before it counts as a wave.
    public static let minimumWaveSample = 5
    /// Sampled keys with a running TTL that a namespace needs before its jitter is computed.
    public static let minimumJitterSample = 20

    /// An empty model.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The biggest keys by memory, biggest first: the top ``Configuration/topK``.
    public var biggestByMemory: [KeyMetadata] { byMemory.keys }
    /// The biggest keys by memory kept past the top K (``runDepth`` times as many, at most top K
    /// of one namespace), for lists that show a run of same-size keys as one row
    /// (``SameSizeRuns``) and still fill K rows when one namespace's keys lead the ranking.
    public var biggestByMemoryForRuns: [KeyMetadata] { byMemoryForRuns.keys }

    /// How many times ``Configuration/topK`` keys the memory ranking keeps, so that K rows of
    /// distinct shapes remain once same-size runs are collapsed.
    public static let runDepth = 4
    /// The longest keys by element count (when lengths are read), longest first.
    public var biggestByLength: [KeyMetadata] { byLength.keys }
    /// The hottest sampled keys by `OBJECT FREQ` (under an LFU policy: the server's logarithmic
    /// access counter, decayed by `lfu-decay-time`), hottest first; empty when not read.
    public var hottest: [KeyMetadata] { byFrequency.keys }
    /// The top-K keys by memory of each type, biggest first.
    public var topByType: [String: [KeyMetadata]] {
        Dictionary(byType.filter { !$0.list.entries.isEmpty }.map { ($0.type, $0.list.keys) }) { first, _ in first }
    }
    /// The biggest key by memory of each type (what `redis-cli --memkeys` reports).
    public var biggestByType: [String: KeyMetadata] {
        Dictionary(byType.compactMap { list in list.list.keys.first.map { (list.type, $0) } }) { first, _ in first }
    }
    /// Records held in all (bounded by the configuration's ``Configuration/recordLimit``).
    public var records: Int { recordCount }

    /// Records one sampled key; `now` dates its TTL when the key carries no observation time.
    public mutating func record(_ key: KeyMetadata, now: Date) {
        var expiresAt = Int64.min
        if let ttl = key.ttlMilliseconds {
            let date = key.expiresAt ?? now.addingTimeInterval(Double(ttl) / 1000)
            expiresAt = Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        key.name.withUnsafeBufferPointer { name in
            record(
                name: name, type: key.type, ttl: key.ttlMilliseconds, expiresAt: expiresAt, memory: key.memoryBytes,
                length: key.length, frequency: key.frequency, distinct: false
            ) { key }
        }
    }

    /// Records one key of a dump, read in place: its name is copied only if a big-key list takes
    /// it. Keys are taken as distinct (a dump holds each once): a key already listed is not
    /// looked for again. `nowMilliseconds` is the dump's time, `now` the same as a date.
    public mutating func record(
        dumped name: UnsafeRawBufferPointer, type: String, ttlMilliseconds: Int64?, memoryBytes: Int64,
        length: Int64?, frequency: Int64?, idleSeconds: Int64?, nowMilliseconds: Int64, now: Date
    ) {
        let bytes = name.bindMemory(to: UInt8.self)
        record(
            name: bytes, type: type, ttl: ttlMilliseconds,
            expiresAt: ttlMilliseconds.map { nowMilliseconds + $0 } ?? Int64.min, memory: memoryBytes, length: length,
            frequency: frequency, distinct: true
        ) {
            KeyMetadata(
                name: Array(bytes), type: type, ttlMilliseconds: ttlMilliseconds, memoryBytes: memoryBytes,
                length: length, frequency: frequency, idleSeconds: idleSeconds, observedAt: now)
        }
    }

    private mutating func record(
        name: UnsafeBufferPointer<UInt8>, type: String, ttl: Int64?, expiresAt: Int64, memory: Int64?,
        length: Int64?, frequency: Int64?, distinct: Bool, metadata: () -> KeyMetadata
    ) {
        if distinct {
            isExhaustive = true
            countedKeys += 1
        }
        keysRecorded += 1
        operations += 1
        let hash = KeyHash.of(name)
        // One lookup of the namespace's sample for a namespace already known (most keys).
        let known = NamespacePattern.fingerprint(of: name)
        var position = samples.position(of: known)
        let pattern = position != nil ? known : fingerprint(of: name, known: known)
        let bucket = TTLBucket(ttlMilliseconds: ttl)
        let pass = Int32(truncatingIfNeeded: completedPasses)
        let entry = NamespaceSample.Record(
            expiresAt: expiresAt, ttl: ttl ?? -1, memory: memory ?? 0, pass: pass, bucket: UInt8(bucket.rawValue))
        var work = 0
        var added = 0
        var overfull = false
        var weight = 0
        let cap = configuration.recordsPerNamespace
        // The namespace's sample changed in place.
        let index = position ?? samples.position(of: pattern) ?? samples.insert(NamespaceSample(), for: pattern)
        samples.update(at: index) { sample in
            if distinct { sample.tally.count(entry) }
            guard sample.admits(hash) else { return }
            added = sample.upsert(hash, entry, work: &work)
            weight = sample.weight
            overfull = added > 0 && sample.count > cap
        }
        sampleStandsFor += added * weight
        recordCount += added
        if overfull { thin(pattern, work: &work) }
        while recordCount > configuration.recordLimit, let largest = largestNamespace(work: &work) {
            thin(largest, work: &work)
        }
        operations += work
        // The big-key lists: most keys are too small for any, and are turned away before their
        // metadata is built.
        let topK = configuration.topK
        let typeIndex = typeList(type)
        let memoryValue = memory ?? -1
        let wanted =
            !distinct || byType[typeIndex].list.admits(memoryValue, keeping: topK, by: .memory)
            || byMemory.admits(memoryValue, keeping: topK, by: .memory)
            || byMemoryForRuns.admits(memoryValue, keeping: topK * Self.runDepth, by: .memory)
            || (length != nil && byLength.admits(length ?? -1, keeping: topK, by: .length))
            || (frequency != nil && byFrequency.admits(frequency ?? -1, keeping: topK, by: .frequency))
        guard wanted else { return }
        let big = BigKeyList.Entry(hash: hash, pass: pass, key: metadata())
        byType[typeIndex].list.insert(big, keeping: topK, by: .memory)
        byMemory.insert(big, keeping: topK, by: .memory)
        var grouped = big
        grouped.group = pattern
        byMemoryForRuns.insert(grouped, keeping: topK * Self.runDepth, by: .memory, perGroup: topK)
        if length != nil { byLength.insert(big, keeping: topK, by: .length) }
        if frequency != nil { byFrequency.insert(big, keeping: topK, by: .frequency) }
    }

    /// The index of `type`'s big-key list in ``byType``, added if new: a handful of types,
    /// compared as short strings, cheaper than hashing one per key.
    private mutating func typeList(_ type: String) -> Int {
        if let index = byType.firstIndex(where: { $0.type == type }) { return index }
        byType.append(TypeList(type: type, list: BigKeyList()))
        return byType.count - 1
    }

    /// The fingerprint of the namespace a key not yet sampled in `fingerprint`'s namespace is
    /// counted in, registering a new namespace (or sending it to `(other)` once the cap is
    /// reached).
    private mutating func fingerprint(of name: UnsafeBufferPointer<UInt8>, known fingerprint: UInt64) -> UInt64 {
        let isNew = patterns[fingerprint] == nil
        if samples.count >= configuration.namespaceCap {
            if patterns[Self.otherFingerprint] == nil { register(Self.other, as: Self.otherFingerprint) }
            return Self.otherFingerprint
        }
        if isNew { register(NamespacePattern.of(Array(name)), as: fingerprint) }
        return fingerprint
    }

    private mutating func register(_ pattern: String, as fingerprint: UInt64) {
        patterns[fingerprint] = pattern
        fingerprints[pattern] = fingerprint
    }

    private mutating func thin(_ pattern: UInt64, work: inout Int) {
        guard let position = samples.position(of: pattern) else { return }
        let (dropped, standsFor) = samples.update(at: position) { sample in
            let before = sample.count * sample.weight
            let dropped = sample.thin(work: &work)
            return (dropped, sample.count * sample.weight - before)
        }
        recordCount -= dropped
        sampleStandsFor += standsFor
    }

    private func largestNamespace(work: inout Int) -> UInt64? {
        work += samples.count
        return samples.entries.max { $0.sample.count < $1.sample.count }?.fingerprint
    }

    /// Ends a pass over the keyspace: the records it did not see again are of keys deleted
    /// since, and go; so do the namespaces and big keys left without them.
    public mutating func completePass() {
        let pass = Int32(truncatingIfNeeded: completedPasses)
        var work = 0
        for position in samples.entries.indices {
            let (dropped, standsFor) = samples.update(at: position) { sample in
                let before = sample.count * sample.weight
                let dropped = sample.drop(seenBefore: pass, work: &work)
                return (dropped, sample.count * sample.weight - before)
            }
            recordCount -= dropped
            sampleStandsFor += standsFor
        }
        samples.removeAll { _, sample in sample.count == 0 }
        // Forget the text of namespaces gone, so that the tables stay as small as the sample.
        if patterns.count > samples.count * 2 + 16 {
            patterns = patterns.filter { samples.position(of: $0.key) != nil }
            fingerprints = fingerprints.filter { samples.position(of: $0.value) != nil }
        }
        byMemory.removeAll { $0.pass < pass }
        byMemoryForRuns.removeAll { $0.pass < pass }
        byLength.removeAll { $0.pass < pass }
        byFrequency.removeAll { $0.pass < pass }
        for index in byType.indices { byType[index].list.removeAll { $0.pass < pass } }
        byType.removeAll { $0.list.entries.isEmpty }
        operations += work
        completedPasses += 1
    }

    /// Brings the figures that depend on time up to `now`: big keys whose TTL ran out leave the
    /// lists, and TTL jitter is computed over the keys whose TTL still runs.
    public mutating func refresh(now: Date) {
        let nowMs = Int64((now.timeIntervalSince1970 * 1000).rounded())
        let expired: (BigKeyList.Entry) -> Bool = { entry in
            guard let expiresAt = entry.key.expiresAt else { return false }
            return Int64((expiresAt.timeIntervalSince1970 * 1000).rounded()) <= nowMs
        }
        byMemory.removeAll(where: expired)
        byMemoryForRuns.removeAll(where: expired)
        byLength.removeAll(where: expired)
        byFrequency.removeAll(where: expired)
        for index in byType.indices { byType[index].list.removeAll(where: expired) }
        var jitter: [UInt64: Double] = [:]
        var running: [Int64] = []
        for (pattern, sample) in samples.entries {
            running.removeAll(keepingCapacity: true)
            for record in sample.records.values where record.hasTTL && record.expiresAt > nowMs {
                running.append(record.expiresAt)
            }
            operations += sample.count
            guard running.count >= Self.minimumJitterSample else { continue }
            running.sort()
            let mean = Double(running.reduce(0) { $0 + ($1 - nowMs) }) / Double(running.count)
            guard mean > 0 else { continue }
            jitter[pattern] = Double(running[running.count * 3 / 4] - running[running.count / 4]) / mean
        }
        self.jitter = jitter
        refreshedAt = now
    }

    /// The namespace a key is counted in: its pattern, or `(other)` once the cap is reached.
    public func namespace(of key: KeyMetadata) -> String {
        let fingerprint = NamespacePattern.fingerprint(of: key.name)
        if samples.position(of: fingerprint) != nil, let pattern = patterns[fingerprint] { return pattern }
        return samples.count >= configuration.namespaceCap ? Self.other : NamespacePattern.of(key.name)
    }

    private func sample(_ namespace: String) -> NamespaceSample? {
        fingerprints[namespace].flatMap { samples[$0] }
    }

    /// Namespaces by pattern, as the sample describes them now.
    public var namespaces: [String: NamespaceStats] {
        var result: [String: NamespaceStats] = [:]
        result.reserveCapacity(samples.count)
        for (fingerprint, sample) in samples.entries {
            guard let pattern = patterns[fingerprint] else { continue }
            result[pattern] = stats(pattern, fingerprint, sample)
        }
        return result
    }

    private func stats(_ pattern: String, _ fingerprint: UInt64, _ sample: NamespaceSample) -> NamespaceStats {
        var stats = NamespaceStats(name: pattern)
        stats.records = sample.count
        stats.ttlJitter = jitter[fingerprint]
        if isExhaustive {
            let tally = sample.tally
            stats.sampledKeys = tally.keys
            stats.sampledMemory = tally.memory
            stats.withoutTTL = tally.withoutTTL
            stats.ttlSum = tally.ttlSum
            stats.minimumTTL = tally.minimumTTL
            stats.maximumTTL = tally.maximumTTL
            for bucket in TTLBucket.allCases where tally.buckets[bucket.rawValue] > 0 {
                stats.ttlBuckets[bucket] = tally.buckets[bucket.rawValue]
            }
            return stats
        }
        let weight = sample.weight
        stats.sampledKeys = sample.count * weight
        stats.sampledMemory = sample.memory * Int64(weight)
        stats.withoutTTL = sample.withoutTTL * weight
        stats.ttlSum = sample.ttlSum * Int64(weight)
        stats.minimumTTL = sample.minimumTTL
        stats.maximumTTL = sample.maximumTTL
        for bucket in TTLBucket.allCases where sample.buckets[bucket.rawValue] > 0 {
            stats.ttlBuckets[bucket] = sample.buckets[bucket.rawValue] * weight
        }
        return stats
    }

    /// The largest TTL (milliseconds, when observed) among a namespace's sampled keys, if any has one.
    public func maximumTTL(of namespace: String) -> Int64? { sample(namespace)?.maximumTTL }

    /// Keys per TTL bucket over all namespaces (remaining TTL when observed).
    public var ttlBuckets: [TTLBucket: Int] {
        var result: [TTLBucket: Int] = [:]
        for sample in samples.values {
            for bucket in TTLBucket.allCases {
                let count =
                    isExhaustive
                    ? sample.tally.buckets[bucket.rawValue] : sample.buckets[bucket.rawValue] * sample.weight
                if count > 0 { result[bucket, default: 0] += count }
            }
        }
        return result
    }

    /// The most keys of a namespace (estimated) expiring in one second within the horizon.
    /// Fewer than ``minimumWaveSample`` sampled keys in that second is coincidence, not a wave: 0.
    public func expiryWave(of namespace: String, now: Date) -> Double {
        guard let sample = sample(namespace) else { return 0 }
        let start = Int64(now.timeIntervalSince1970)
        let end = start + Int64(configuration.horizonSeconds)
        var perSecond: [Int64: Int] = [:]
        for record in sample.records.values where record.hasTTL {
            let second = Self.second(of: record.expiresAt)
            if second > start && second <= end { perSecond[second, default: 0] += 1 }
        }
        guard let peak = perSecond.values.max(), peak >= Self.minimumWaveSample else { return 0 }
        return Double(peak * sample.weight) * scale
    }

    /// Estimated keys expiring in each second from `now` over the horizon (index 0 = the next second).
    public func expiryForecast(now: Date) -> [Double] {
        let start = Int64(now.timeIntervalSince1970)
        let horizon = Int64(configuration.horizonSeconds)
        var counts = [Int](repeating: 0, count: configuration.horizonSeconds)
        for sample in samples.values {
            for record in sample.records.values where record.hasTTL {
                let offset = Self.second(of: record.expiresAt) - start - 1
                if offset >= 0 && offset < horizon { counts[Int(offset)] += sample.weight }
            }
        }
        let scale = self.scale
        return counts.map { Double($0) * scale }
    }

    private static func second(of milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    }

    /// The largest waves in the forecast: (seconds from now, estimated keys), biggest first.
    public func expiryPeaks(now: Date, count: Int = 5) -> [(secondsFromNow: Int, keys: Double)] {
        expiryForecast(now: now).enumerated().filter { $0.element > 0 }
            .sorted { $0.element > $1.element }.prefix(count).map { ($0.offset + 1, $0.element) }
    }

    /// Updates the exact key count from `INFO keyspace` (the database being sampled).
    public mutating func updateTotal(keys: Int64) {
        totalKeys = keys
    }

    /// Sampled keys → keys in the database: the factor from what the sample stands for to the
    /// exact total (1 until both are known).
    public var scale: Double {
        guard let totalKeys, sampleStandsFor > 0 else { return 1 }
        return Double(totalKeys) / Double(sampleStandsFor)
    }

    /// The estimated number of keys of a namespace in the whole database. A pattern without
    /// `*` names one key: it is counted once, never scaled.
    public func estimatedKeys(_ namespace: String) -> Double {
        guard let sample = sample(namespace) else { return 0 }
        if isExhaustive { return Double(sample.tally.keys) }
        let sampled = Double(sample.count * sample.weight)
        return isLiteral(namespace) ? min(sampled, 1) : sampled * scale
    }

    /// The estimated memory of a namespace in the whole database (a literal key: its own size).
    public func estimatedMemory(_ namespace: String) -> Double {
        guard let sample = sample(namespace) else { return 0 }
        if isExhaustive { return Double(sample.tally.memory) }
        guard isLiteral(namespace) else { return Double(sample.memory) * Double(sample.weight) * scale }
        return Double(sample.memory) / Double(max(1, sample.count))
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
}
