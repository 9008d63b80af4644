import Foundation
import Metrics
import Telemetry

/// What a node's keyspace view showed, as recorded: its keyspace figures (where keys were
/// sampled), how its namespaces' keys end (where key lives were tracked) and its newest
/// profile (where one ran).
public struct RecordedKeyspace: Sendable, Equatable {
    /// The keyspace figures; `nil` when keys were not sampled.
    public var figures: KeyspaceFigures?
    /// How keys end; `nil` when no end was seen.
    public var keyEnds: KeyEndsSummary?
    /// The newest profile; `nil` when none ran.
    public var profile: ProfileReport?

    /// Creates a recorded keyspace.
    public init(figures: KeyspaceFigures?, keyEnds: KeyEndsSummary?, profile: ProfileReport? = nil) {
        self.figures = figures
        self.keyEnds = keyEnds
        self.profile = profile
    }
}

/// A node's ``RecordedKeyspace`` as the `keyspace` table stores it: one record, compressed on
/// its own (``TickEncoder/frame(_:)``), a few kilobytes — the namespaces with their estimates,
/// the TTL distribution, the non-zero seconds of the expiry forecast, the listed keys' metadata
/// (names, types, sizes and TTLs, never values) and their namespaces; each namespace's key ends.
enum KeyspaceRecord {
    /// The record's layout version (the first byte).
    private static let layout: UInt8 = 1
    private static let hasFigures: UInt8 = 1
    private static let hasKeyEnds: UInt8 = 2
    private static let hasProfile: UInt8 = 4

    /// `recorded` encoded and framed.
    static func encode(_ recorded: RecordedKeyspace) -> [UInt8] {
        var writer = ByteWriter()
        writer.byte(layout)
        writer.byte(
            (recorded.figures == nil ? 0 : hasFigures) | (recorded.keyEnds == nil ? 0 : hasKeyEnds)
                | (recorded.profile == nil ? 0 : hasProfile))
        if let figures = recorded.figures { write(figures, into: &writer) }
        if let keyEnds = recorded.keyEnds { write(keyEnds, into: &writer) }
        if let profile = recorded.profile { write(profile, into: &writer) }
        return TickEncoder.frame(writer.bytes)
    }

    /// The keyspace in `record`.
    ///
    /// - Throws: ``RecordingError`` when the record is damaged or of an unknown layout.
    static func decode(_ record: [UInt8]) throws(RecordingError) -> RecordedKeyspace {
        var reader = ByteReader(try TickDecoder.unframe(record))
        guard try reader.byte() == layout else { throw RecordingError("a keyspace record has an unknown layout") }
        let parts = try reader.byte()
        let figures = parts & hasFigures != 0 ? try readFigures(&reader) : nil
        let keyEnds = parts & hasKeyEnds != 0 ? try readKeyEnds(&reader) : nil
        let profile = parts & hasProfile != 0 ? try readProfile(&reader) : nil
        return RecordedKeyspace(figures: figures, keyEnds: keyEnds, profile: profile)
    }

    private static func write(_ profile: ProfileReport, into writer: inout ByteWriter) {
        writer.string(profile.node)
        writer.signed(Recorder.milliseconds(profile.startedAt))
        writer.number(profile.schedule.seconds)
        writer.number(profile.schedule.burstSeconds)
        writer.number(profile.schedule.everySeconds)
        writer.number(profile.monitoredSeconds)
        writer.string(profile.missSource.rawValue)
        for count in [profile.commands, profile.unparsedLines, profile.forgottenReads, profile.burstsCutShort] {
            writer.signed(Int64(count))
        }
        writer.count(profile.namespaces.count)
        for traffic in profile.namespaces {
            writer.string(traffic.namespace)
            for count in [traffic.reads, traffic.writes, traffic.deletes, traffic.misses] {
                writer.signed(Int64(count))
            }
            writer.count(traffic.topCommands.count)
            for (name, count) in traffic.topCommands {
                writer.string(name)
                writer.signed(Int64(count))
            }
            writer.count(traffic.topKeys.count)
            for (key, count) in traffic.topKeys {
                writer.data(key)
                writer.signed(Int64(count))
            }
        }
    }

    private static func readProfile(_ reader: inout ByteReader) throws(RecordingError) -> ProfileReport {
        let node = try reader.string()
        let startedAt = date(try reader.signed())
        let seconds = try reader.number()
        let burst = try reader.number()
        let every = try reader.number()
        let monitored = try reader.number()
        guard let missSource = MissSource(rawValue: try reader.string()) else {
            throw RecordingError("a keyspace record is damaged: an unknown miss source")
        }
        let commands = try integer(&reader)
        let unparsed = try integer(&reader)
        let forgotten = try integer(&reader)
        let cutShort = try integer(&reader)
        var namespaces: [NamespaceTraffic] = []
        for _ in 0..<(try reader.count()) {
            let name = try reader.string()
            let counts = [try integer(&reader), try integer(&reader), try integer(&reader), try integer(&reader)]
            var commands: [(name: String, count: Int)] = []
            for _ in 0..<(try reader.count()) { commands.append((try reader.string(), try integer(&reader))) }
            var keys: [(key: [UInt8], count: Int)] = []
            for _ in 0..<(try reader.count()) { keys.append((try reader.data(), try integer(&reader))) }
            namespaces.append(
                NamespaceTraffic(
                    namespace: name, reads: counts[0], writes: counts[1], deletes: counts[2], misses: counts[3],
                    topCommands: commands, topKeys: keys))
        }
        return ProfileReport(
            node: node, startedAt: startedAt, schedule: .bursts(burst, every: every, for: seconds),
            monitoredSeconds: monitored, missSource: missSource, commands: commands, unparsedLines: unparsed,
            forgottenReads: forgotten, burstsCutShort: cutShort, namespaces: namespaces)
    }

    private static func write(_ summary: KeyEndsSummary, into writer: inout ByteWriter) {
        writer.signed(Int64(summary.trackedKeys))
        writer.count(summary.rows.count)
        for row in summary.rows {
            writer.string(row.name)
            writer.string(row.kind.rawValue)
            writer.string(row.confidence?.rawValue ?? "")
            optional(row.stalenessBound, into: &writer)
            let counts = row.counts
            for value in [counts.expired, counts.deleted, counts.overwritten, counts.evicted, counts.uncertain] {
                writer.number(value)
            }
            writer.number(counts.refilled)
            writer.string(row.source.rawValue)
            optional(row.ageShareMedian, into: &writer)
            optional(row.ageShareHigh, into: &writer)
        }
    }

    private static func readKeyEnds(_ reader: inout ByteReader) throws(RecordingError) -> KeyEndsSummary {
        let tracked = try integer(&reader)
        var rows: [KeyEndsSummary.Row] = []
        for _ in 0..<(try reader.count()) {
            let name = try reader.string()
            guard let kind = NamespaceInvalidation.Kind(rawValue: try reader.string()) else {
                throw RecordingError("a keyspace record is damaged: an unknown verdict")
            }
            let confidence = NamespaceInvalidation.Confidence(rawValue: try reader.string())
            let bound = try optionalNumber(&reader)
            let counts = NamespaceInvalidation.Counts(
                expired: try reader.number(), deleted: try reader.number(), overwritten: try reader.number(),
                evicted: try reader.number(), uncertain: try reader.number(), refilled: try reader.number())
            guard let source = NamespaceInvalidation.Source(rawValue: try reader.string()) else {
                throw RecordingError("a keyspace record is damaged: an unknown source")
            }
            rows.append(
                KeyEndsSummary.Row(
                    name: name, kind: kind, confidence: confidence, stalenessBound: bound, counts: counts,
                    source: source, ageShareMedian: try optionalNumber(&reader),
                    ageShareHigh: try optionalNumber(&reader)
                ))
        }
        return KeyEndsSummary(trackedKeys: tracked, rows: rows)
    }

    private static func write(_ figures: KeyspaceFigures, into writer: inout ByteWriter) {
        writer.signed(Recorder.milliseconds(figures.takenAt))
        optional(figures.totalKeys, into: &writer)
        writer.signed(Int64(figures.sampledKeys))
        writer.signed(Int64(figures.passes))
        writer.count(figures.unavailable.count)
        for reason in figures.unavailable { writer.string(reason) }
        writer.signed(figures.bigStringBytes)
        writer.signed(figures.bigCollectionLength)
        writer.signed(Int64(figures.horizonSeconds))
        buckets(figures.ttlBuckets, into: &writer)
        let forecast = figures.forecast.enumerated().filter { $0.element != 0 }
        writer.signed(Int64(figures.forecast.count))
        writer.count(forecast.count)
        var previous = -1
        for (offset, keys) in forecast {
            writer.signed(Int64(offset - previous))
            writer.number(keys)
            previous = offset
        }
        writer.count(figures.namespaces.count)
        for (name, namespace) in figures.namespaces.sorted(by: { $0.key < $1.key }) {
            let stats = namespace.stats
            writer.string(name)
            writer.signed(Int64(stats.sampledKeys))
            writer.signed(Int64(stats.records))
            writer.signed(stats.sampledMemory)
            writer.signed(Int64(stats.withoutTTL))
            buckets(stats.ttlBuckets, into: &writer)
            optional(stats.minimumTTL, into: &writer)
            optional(stats.maximumTTL, into: &writer)
            writer.signed(stats.ttlSum)
            optional(stats.ttlJitter, into: &writer)
            writer.number(namespace.estimatedKeys)
            writer.number(namespace.estimatedMemory)
            writer.number(namespace.expiryWave)
        }
        let lists = [
            figures.biggestByMemory, figures.biggestByLength, figures.hottest,
            figures.biggestByType.sorted { $0.key < $1.key }.map(\.value),
        ]
        for keys in lists {
            writer.count(keys.count)
            for key in keys {
                writer.data(key.name)
                writer.string(key.type)
                optional(key.ttlMilliseconds, into: &writer)
                optional(key.memoryBytes, into: &writer)
                optional(key.length, into: &writer)
                optional(key.frequency, into: &writer)
                optional(key.idleSeconds, into: &writer)
                optional(key.observedAt.map(Recorder.milliseconds), into: &writer)
                writer.string(figures.namespace(of: key))
            }
        }
    }

    private static func readFigures(_ reader: inout ByteReader) throws(RecordingError) -> KeyspaceFigures {
        let takenAt = date(try reader.signed())
        let totalKeys = try optional(&reader)
        let sampledKeys = try integer(&reader)
        let passes = try integer(&reader)
        var unavailable: [String] = []
        for _ in 0..<(try reader.count()) { unavailable.append(try reader.string()) }
        let bigStringBytes = try reader.signed()
        let bigCollectionLength = try reader.signed()
        let horizonSeconds = try integer(&reader)
        let ttlBuckets = try buckets(&reader)
        let length = try integer(&reader)
        guard (0...86_400).contains(length) else {
            throw RecordingError("a keyspace record is damaged: a forecast of \(length) s")
        }
        var forecast = [Double](repeating: 0, count: length)
        var offset = -1
        for _ in 0..<(try reader.count()) {
            let step = try integer(&reader)
            guard step >= 1, step < length - offset else {
                throw RecordingError("a keyspace record is damaged: a forecast past its end")
            }
            offset += step
            forecast[offset] = try reader.number()
        }
        var namespaces: [String: KeyspaceFigures.Namespace] = [:]
        for _ in 0..<(try reader.count()) {
            let name = try reader.string()
            let stats = NamespaceStats(
                name: name, sampledKeys: try integer(&reader), records: try integer(&reader),
                sampledMemory: try reader.signed(), withoutTTL: try integer(&reader), ttlBuckets: try buckets(&reader),
                minimumTTL: try optional(&reader), maximumTTL: try optional(&reader), ttlSum: try reader.signed(),
                ttlJitter: try optionalNumber(&reader))
            namespaces[name] = KeyspaceFigures.Namespace(
                stats: stats, estimatedKeys: try reader.number(), estimatedMemory: try reader.number(),
                expiryWave: try reader.number())
        }
        var lists: [[KeyMetadata]] = []
        var keyNamespaces: [[UInt8]: String] = [:]
        for _ in 0..<4 {
            var keys: [KeyMetadata] = []
            for _ in 0..<(try reader.count()) {
                let key = KeyMetadata(
                    name: try reader.data(), type: try reader.string(), ttlMilliseconds: try optional(&reader),
                    memoryBytes: try optional(&reader), length: try optional(&reader), frequency: try optional(&reader),
                    idleSeconds: try optional(&reader), observedAt: try optional(&reader).map(date))
                keyNamespaces[key.name] = try reader.string()
                keys.append(key)
            }
            lists.append(keys)
        }
        return KeyspaceFigures(
            takenAt: takenAt, totalKeys: totalKeys, sampledKeys: sampledKeys, passes: passes,
            unavailable: unavailable, bigStringBytes: bigStringBytes, bigCollectionLength: bigCollectionLength,
            horizonSeconds: horizonSeconds, namespaces: namespaces, ttlBuckets: ttlBuckets, forecast: forecast,
            biggestByMemory: lists[0], biggestByLength: lists[1], hottest: lists[2],
            biggestByType: Dictionary(lists[3].map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first }),
            keyNamespaces: keyNamespaces)
    }

    private static func optional(_ value: Int64?, into writer: inout ByteWriter) {
        writer.optional(value) { $0.signed($1) }
    }

    private static func optional(_ value: Double?, into writer: inout ByteWriter) {
        writer.optional(value) { $0.number($1) }
    }

    private static func optional(_ reader: inout ByteReader) throws(RecordingError) -> Int64? {
        try reader.optional { reader throws(RecordingError) in try reader.signed() }
    }

    private static func optionalNumber(_ reader: inout ByteReader) throws(RecordingError) -> Double? {
        try reader.optional { reader throws(RecordingError) in try reader.number() }
    }

    private static func buckets(_ buckets: [TTLBucket: Int], into writer: inout ByteWriter) {
        writer.count(buckets.count)
        for (bucket, count) in buckets.sorted(by: { $0.key < $1.key }) {
            writer.signed(Int64(bucket.rawValue))
            writer.signed(Int64(count))
        }
    }

    private static func buckets(_ reader: inout ByteReader) throws(RecordingError) -> [TTLBucket: Int] {
        var buckets: [TTLBucket: Int] = [:]
        for _ in 0..<(try reader.count()) {
            let raw = try integer(&reader)
            let count = try integer(&reader)
            guard let bucket = TTLBucket(rawValue: raw) else {
                throw RecordingError("a keyspace record is damaged: TTL bucket \(raw)")
            }
            buckets[bucket] = count
        }
        return buckets
    }

    /// A number that is not a count of what follows.
    private static func integer(_ reader: inout ByteReader) throws(RecordingError) -> Int {
        Int(clamping: try reader.signed())
    }

    private static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
