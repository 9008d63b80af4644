import Foundation
import Metrics
import Telemetry
import Testing

@testable import Recording

/// A node's keyspace figures as the recording keeps them: every figure back exactly, damage
/// refused in one line.
@Suite("Keyspace records")
struct KeyspaceRecordTests {
    /// Figures of a sample with everything a record holds: namespaces with and without TTLs
    /// (ids that are numbers, hex and UUIDs), a binary key name, lengths, LFU frequencies, idle
    /// times, a refusal, an expiry wave.
    static func figures() -> KeyspaceFigures {
        let now = Date(timeIntervalSince1970: 1_800_000_000.25)
        var sampling = KeyspaceSampling()
        var keys: [KeyMetadata] = []
        for index in 0..<600 {
            let name: String
            switch index % 3 {
            case 0: name = "user:\(index):profile"
            case 1: name = "session:\(String(index * 2_654_435_761, radix: 16))"
            default:
                name = "cart:\(UUID(uuid: (UInt8(index % 256), 9, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)))"
            }
            keys.append(
                KeyMetadata(
                    name: Array(name.utf8), type: index % 3 == 2 ? "hash" : "string",
                    ttlMilliseconds: index % 3 == 0 ? nil : (index % 3 == 1 ? 30_000 : Int64(60_000 + index * 997)),
                    memoryBytes: Int64(64 + index * 13), length: index % 3 == 2 ? Int64(index * 40) : nil,
                    frequency: Int64(index % 17), idleSeconds: Int64(index % 5), observedAt: now))
        }
        keys.append(
            KeyMetadata(
                name: [0xFF, 0x00, 0x41], type: "list", memoryBytes: 3_000_000, length: 40_000, observedAt: now))
        sampling.add(keys, finishedPass: true, totalKeys: 1_000_000, now: now)
        sampling.unavailable = ["OBJECT FREQ refused: NOPERM"]
        return KeyspaceFigures(sampling, now: now)
    }

    @Test("every figure reads back exactly: namespaces, TTLs, the forecast, big and hot keys with their namespaces")
    func roundTrip() throws {
        let figures = Self.figures()
        #expect(figures.namespaces.count == 4, "\(figures.namespaces.keys)")
        #expect(!figures.hottest.isEmpty && !figures.biggestByLength.isEmpty)
        #expect(figures.expiryPeaks(now: figures.takenAt, count: 1).first?.keys ?? 0 > 100_000, "the sessions' wave")
        let record = KeyspaceRecord.encode(RecordedKeyspace(figures: figures, keyEnds: Self.keyEnds))
        let decoded = try KeyspaceRecord.decode(record)
        #expect(decoded.keyEnds == Self.keyEnds)
        let back = try #require(decoded.figures)
        // Times are kept to the millisecond.
        var expected = figures
        expected.takenAt = Date(timeIntervalSince1970: 1_800_000_000.25)
        #expect(back == expected)
        #expect(back.namespace(of: back.biggestByMemory[0]) == figures.namespace(of: figures.biggestByMemory[0]))
        #expect(record.count < 8_000, "\(record.count) bytes")
        // Figures far larger than the record's bytes (they are numbers, not counts of what follows).
        var large = expected
        large.sampledKeys = 50_000_000
        large.passes = 1_000_000
        large.namespaces["user:*:profile"]?.stats = NamespaceStats(
            name: "user:*:profile", sampledKeys: 40_000_000, records: 4_096, sampledMemory: 90_000_000_000,
            withoutTTL: 40_000_000, ttlBuckets: [.none: 40_000_000], minimumTTL: nil, maximumTTL: nil, ttlSum: 0,
            ttlJitter: nil)
        #expect(
            try KeyspaceRecord.decode(KeyspaceRecord.encode(RecordedKeyspace(figures: large, keyEnds: nil))).figures
                == large)
        // Either part alone; a profile.
        let endsOnly = RecordedKeyspace(figures: nil, keyEnds: Self.keyEnds)
        #expect(try KeyspaceRecord.decode(KeyspaceRecord.encode(endsOnly)) == endsOnly)
        let profiled = RecordedKeyspace(figures: nil, keyEnds: nil, profile: Self.profile)
        #expect(try KeyspaceRecord.decode(KeyspaceRecord.encode(profiled)) == profiled)
    }

    /// A profile of bursts: two namespaces, their commands and keys (a binary one).
    static let profile = ProfileReport(
        node: "cache:6379", startedAt: Date(timeIntervalSince1970: 1_800_000_100.5),
        schedule: .bursts(2, every: 10, for: 60), monitoredSeconds: 12.25, missSource: .keymissEvents,
        commands: 48_000, unparsedLines: 3, forgottenReads: 0, burstsCutShort: 1,
        namespaces: [
            NamespaceTraffic(
                namespace: "user:*:profile", reads: 30_000, writes: 1_200, deletes: 40, misses: 1_300,
                topCommands: [("GET", 29_000), ("SET", 1_200)], topKeys: [(Array("user:7:profile".utf8), 900)]),
            NamespaceTraffic(
                namespace: "blob:*", reads: 10, writes: 0, deletes: 0, misses: 0, topCommands: [("GET", 10)],
                topKeys: [([0xFF, 0x00], 10)]),
        ])

    /// Key ends of three namespaces: TTL-only with a bound, invalidated on write from keyspace
    /// events, not known yet.
    static let keyEnds = KeyEndsSummary(
        trackedKeys: 1_234,
        rows: [
            KeyEndsSummary.Row(
                name: "price:*", kind: .ttlOnly, confidence: .high, stalenessBound: 300,
                counts: NamespaceInvalidation.Counts(expired: 410.5, evicted: 12, uncertain: 3.25, refilled: 650),
                source: .trackedKeys, ageShareMedian: 1, ageShareHigh: 1),
            KeyEndsSummary.Row(
                name: "user:*:profile", kind: .invalidatedOnWrite, confidence: .medium, stalenessBound: nil,
                counts: NamespaceInvalidation.Counts(expired: 60, deleted: 69.5, overwritten: 4),
                source: .keyspaceEvents,
                ageShareMedian: 0.31, ageShareHigh: 0.87),
            KeyEndsSummary.Row(
                name: "session:*", kind: .unknown, confidence: nil, stalenessBound: nil,
                counts: NamespaceInvalidation.Counts(evicted: 4), source: .trackedKeys, ageShareMedian: nil,
                ageShareHigh: nil),
        ])

    @Test("damaged records are refused in one line, never a crash")
    func damaged() {
        let record = KeyspaceRecord.encode(RecordedKeyspace(figures: Self.figures(), keyEnds: Self.keyEnds))
        var generator = SystemRandomNumberGenerator()
        for cut in [0, 1, 5, record.count / 2, record.count - 1] {
            #expect(throws: RecordingError.self) { _ = try KeyspaceRecord.decode(Array(record.prefix(cut))) }
        }
        for _ in 0..<200 {
            var bytes = record
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            do {
                _ = try KeyspaceRecord.decode(bytes)
            } catch {
                #expect(!"\(error)".contains("\n"))
            }
        }
    }
}
