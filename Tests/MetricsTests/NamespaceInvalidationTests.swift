import Foundation
import Metrics
import Telemetry
import Testing

@Suite("How namespaces are invalidated, from their keys' ends")
struct NamespaceInvalidationTests {
    private func end(
        _ namespace: String, _ ending: KeyLifeSchedule.Ending, ttl: Double = 600, age: Double? = 1
    ) -> KeyLifeSchedule.End {
        KeyLifeSchedule.End(
            namespace: namespace, ending: ending, seenAt: Date(timeIntervalSince1970: 100),
            since: Date(timeIntervalSince1970: 50), ageShare: age, ttlSeconds: ttl)
    }

    @Test("TTL-only with its TTL as the bound; invalidated on write; unknown until five ends")
    func verdicts() {
        var record = NamespaceInvalidation()
        let ends =
            Array(repeating: end("price:*", .expired), count: 9)
            + [end("user:*:profile", .removedEarly, age: 0.2), end("user:*:profile", .overwritten, age: 0.4)]
            + Array(repeating: end("user:*:profile", .expired), count: 4)
            + Array(repeating: end("feed:*", .expired), count: 4)
        record.add(ends, tracked: ["price:*": 20, "user:*:profile": 18], evicting: { _, _, _ in false })
        #expect(record.kind(of: "price:*") == .ttlOnly)
        #expect(record.stalenessBound(of: "price:*") == 600)
        #expect(record.kind(of: "user:*:profile") == .invalidatedOnWrite)
        #expect(record.stalenessBound(of: "user:*:profile") == nil)
        #expect(record.kind(of: "feed:*") == .unknown, "four ends are not enough")
        let profile = record.namespaces["user:*:profile"]
        #expect(profile?.deleted == 1 && profile?.overwritten == 1 && profile?.trackedKeys == 18)
        #expect(profile?.ageShare(quantile: 0) == 0.2)
        let figures = record.figures
        #expect(figures[.namespaceStalenessBoundSeconds] == ["price:*": 600])
        #expect(figures[.namespaceExpiredShare]?["user:*:profile"] == 4.0 / 6)
        #expect(figures[.namespaceInvalidatedShare]?["user:*:profile"] == 2.0 / 6)
        #expect(figures[.namespaceExpiredShare]?["feed:*"] == nil)
    }

    @Test("a key removed early while its namespace (or node) evicts is an eviction, not an invalidation")
    func evictions() {
        var record = NamespaceInvalidation()
        record.add(
            Array(repeating: end("session:*", .removedEarly, age: 0.3), count: 6)
                + Array(repeating: end("session:*", .expired), count: 4),
            tracked: [:], evicting: { namespace, _, _ in namespace == "session:*" })
        #expect(record.namespaces["session:*"]?.evicted == 6)
        #expect(
            record.kind(of: "session:*") == .unknown, "evictions tell nothing of the writer: four expiries are too few")
        #expect(record.figures[.namespaceEvictedShare]?["session:*"] == 0.6)
        record.add([end("session:*", .expired)], tracked: [:], evicting: { _, _, _ in true })
        #expect(record.kind(of: "session:*") == .ttlOnly, "evictions are not invalidation by the writer")
    }

    @Test("keyspace events count every end once they see five; tracked keys still give ages and overwrites")
    func events() {
        var record = NamespaceInvalidation()
        let kinds: Set<KeyEventKind> = [.expired, .evicted, .deleted, .keymiss]
        record.addEvents(
            [
                "price:*": [.expired: 300], "user:*:profile": [.expired: 60, .deleted: 40, .keymiss: 500],
                "session:*": [.evicted: 90, .expired: 10], "cart:*": [.expired: 50],
            ], kinds: kinds, ttlSeconds: ["price:*": 599.2])
        #expect(record.namespaces["price:*"]?.source == .keyspaceEvents)
        #expect(record.kind(of: "price:*") == .ttlOnly && record.stalenessBound(of: "price:*") == 600)
        #expect(record.kind(of: "user:*:profile") == .invalidatedOnWrite)
        #expect(record.figures[.namespaceInvalidatedShare]?["user:*:profile"] == 0.4)
        #expect(record.figures[.namespaceEvictedShare]?["session:*"] == 0.9)
        #expect(record.kind(of: "session:*") == .ttlOnly)
        // Events without overwrites (before Redis 8.2): the tracked keys' rewrites still count.
        record.add(
            Array(repeating: end("cart:*", .overwritten, age: 0.3), count: 3)
                + Array(repeating: end("cart:*", .expired), count: 3),
            tracked: ["cart:*": 20], evicting: { _, _, _ in false })
        #expect(record.namespaces["cart:*"]?.source == .keyspaceEvents)
        #expect(record.kind(of: "cart:*") == .invalidatedOnWrite)
        #expect(record.figures[.namespaceEndAgeShareP50]?["cart:*"] == 1)
        #expect(record.figures[.namespaceEndAgeShareP90]?["cart:*"] == 1)
        // Without expirations, evictions and deletions all published, events make no shares.
        var partial = NamespaceInvalidation()
        partial.addEvents(["price:*": [.expired: 300]], kinds: [.expired, .keymiss])
        #expect(partial.kind(of: "price:*") == .unknown)
        // Overwrites where the server publishes them (Redis 8.2+).
        var full = NamespaceInvalidation()
        full.addEvents(
            ["price:*": [.expired: 95, .overwritten: 5], "stock:*": [.expired: 80, .overwritten: 20]],
            kinds: Set(KeyEventKind.allCases))
        #expect(full.kind(of: "price:*") == .ttlOnly)
        #expect(full.kind(of: "stock:*") == .invalidatedOnWrite)
        #expect(full.namespaces["stock:*"]?.eventsCountOverwrites == true)
    }
}
