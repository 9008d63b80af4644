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

    private let now = Date(timeIntervalSince1970: 100)
    /// A node that evicted nothing.
    private let calm = NamespaceInvalidation.EvictionEvidence.nodeCounters(
        evictedBetween: { _, _ in false }, chancePerSecond: 0)

    @Test("TTL-only with its TTL as the bound; invalidated on write; unknown until five ends")
    func verdicts() {
        var record = NamespaceInvalidation()
        let ends =
            Array(repeating: end("price:*", .expired), count: 9)
            + [end("user:*:profile", .removedEarly, age: 0.2), end("user:*:profile", .overwritten, age: 0.4)]
            + Array(repeating: end("user:*:profile", .expired), count: 4)
            + Array(repeating: end("feed:*", .expired), count: 4)
        record.add(ends, tracked: ["price:*": 20, "user:*:profile": 18], evictions: calm, now: now)
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

    @Test("a key removed early while its namespace evicts (keyspace events) is an eviction, not an invalidation")
    func evictions() {
        var record = NamespaceInvalidation()
        let evicting = NamespaceInvalidation.EvictionEvidence.namespaceEvents(lastEvicted: ["session:*": now])
        record.add(
            Array(repeating: end("session:*", .removedEarly, age: 0.3), count: 6)
                + Array(repeating: end("session:*", .expired), count: 4),
            tracked: [:], evictions: evicting, now: now)
        #expect(record.namespaces["session:*"]?.evicted == 6)
        #expect(
            record.kind(of: "session:*") == .unknown, "evictions tell nothing of the writer: four expiries are too few")
        #expect(record.figures[.namespaceEvictedShare]?["session:*"] == 0.6)
        record.add([end("session:*", .expired)], tracked: [:], evictions: evicting, now: now)
        #expect(record.kind(of: "session:*") == .ttlOnly, "evictions are not invalidation by the writer")
        // A namespace its events show not evicting: its early removals are the writer's.
        record.add(
            Array(repeating: end("cart:*", .removedEarly, age: 0.3), count: 5), tracked: [:], evictions: evicting,
            now: now)
        #expect(record.kind(of: "cart:*") == .invalidatedOnWrite)
    }

    @Test(
        "with the node's eviction counter only: early ends its rate explains are uncertain, those beyond are the writer's"
    )
    func evictionRate() throws {
        var record = NamespaceInvalidation()
        // The node evicts: each watched second of a tracked key had a 0.5 % chance of losing it;
        // each namespace's keys were watched 1,000 s: 5 evictions expected, 10 taken as possible.
        let evicting = NamespaceInvalidation.EvictionEvidence.nodeCounters(
            evictedBetween: { _, _ in true }, chancePerSecond: 0.005)
        let watched = ["price:*": 1000.0, "user:*:profile": 1000.0]
        record.add(
            Array(repeating: end("price:*", .expired), count: 10)
                + Array(repeating: end("price:*", .removedEarly, age: 0.5), count: 4)
                + Array(repeating: end("price:*", .overwritten, age: 0.5), count: 2)
                + Array(repeating: end("user:*:profile", .expired), count: 10)
                + Array(repeating: end("user:*:profile", .removedEarly, age: 0.3), count: 20),
            tracked: [:], watchedSeconds: watched, evictions: evicting, now: now)
        // Prices: the six early ends are what the evictions explain — uncertain, not the writer's.
        let price = try #require(record.namespaces["price:*"])
        #expect(price.uncertain == 6 && price.deleted == 0 && price.overwritten == 0)
        #expect(record.kind(of: "price:*") == .ttlOnly && record.stalenessBound(of: "price:*") == 600)
        #expect(record.figures[.namespaceInvalidatedShare]?["price:*"] == 0)
        #expect(record.figures[.namespaceUncertainEndShare]?["price:*"] == 6.0 / 16)
        // Profiles: twenty early ends, ten beyond what evictions explain: deletions.
        let profile = try #require(record.namespaces["user:*:profile"])
        #expect(profile.uncertain == 10 && profile.deleted == 10)
        #expect(record.kind(of: "user:*:profile") == .invalidatedOnWrite)
        #expect(record.figures[.namespaceInvalidatedShare]?["user:*:profile"] == 0.5)
        // Without the chance (a node never seen evicting before), nothing is explained yet.
        var unknownRate = NamespaceInvalidation()
        unknownRate.add(
            Array(repeating: end("price:*", .removedEarly), count: 6), tracked: [:],
            evictions: .nodeCounters(evictedBetween: { _, _ in true }, chancePerSecond: 0), now: now)
        #expect(unknownRate.namespaces["price:*"]?.deleted == 6, "evictions nowhere near the rate: the writer's")
    }

    @Test("a refill race is neither an end nor an invalidation")
    func refills() throws {
        var record = NamespaceInvalidation()
        record.add(
            Array(repeating: end("price:*", .expired), count: 6)
                + Array(repeating: end("price:*", .refilled, age: 0.02), count: 6),
            tracked: [:], evictions: calm, now: now)
        let price = try #require(record.namespaces["price:*"])
        #expect(price.total == 6 && price.counts.refilled == 6)
        #expect(record.kind(of: "price:*") == .ttlOnly)
        #expect(record.verdict(of: "price:*")?.refilled == 6)
        #expect(price.ageShare(quantile: 0) == 1, "a refill is no end of a value: no age")
    }

    @Test("ends weigh half after half the TTL: a writer that stops deleting is TTL-only again within two TTLs")
    func decay() {
        var record = NamespaceInvalidation()
        record.add(
            Array(repeating: end("price:*", .removedEarly, ttl: 60, age: 0.3), count: 10)
                + Array(repeating: end("price:*", .expired, ttl: 60), count: 10),
            tracked: [:], evictions: calm, now: now)
        #expect(record.kind(of: "price:*") == .invalidatedOnWrite)
        // Two TTLs later (four half-lives): the deletions weigh 1/16.
        let later = now.addingTimeInterval(120)
        record.add(
            Array(repeating: end("price:*", .expired, ttl: 60), count: 10), tracked: [:], evictions: calm, now: later)
        #expect(record.namespaces["price:*"]?.deleted == 10.0 / 16)
        #expect(record.kind(of: "price:*") == .ttlOnly)
        #expect(
            NamespaceInvalidation.halfLife(ttlSeconds: 10) == 30
                && NamespaceInvalidation.halfLife(ttlSeconds: 600) == 300)
    }

    @Test("the evidence: ends, share, uncertain, refills, confidence by how many ends and how clear the share")
    func confidence() throws {
        var record = NamespaceInvalidation()
        record.add(
            Array(repeating: end("a:*", .expired), count: 40) + Array(repeating: end("b:*", .expired), count: 12)
                + Array(repeating: end("c:*", .expired), count: 6)
                + Array(repeating: end("d:*", .expired), count: 27)
                + Array(repeating: end("d:*", .removedEarly), count: 3),
            tracked: [:], evictions: calm, now: now)
        let a = try #require(record.verdict(of: "a:*"))
        #expect(a.kind == .ttlOnly && a.writerEnds == 40 && a.invalidatedShare == 0 && a.confidence == .high)
        #expect(a.source == .trackedKeys && a.uncertain == 0 && a.refilled == 0)
        #expect(record.verdict(of: "b:*")?.confidence == .medium, "12 ends: not yet 30")
        #expect(record.verdict(of: "c:*")?.confidence == .low, "6 ends: fewer than 10")
        // 10 % exactly on the threshold: on write, and not clearly so.
        #expect(record.verdict(of: "d:*")?.kind == .invalidatedOnWrite)
        #expect(record.verdict(of: "d:*")?.confidence == .medium)
        #expect(record.verdict(of: "nothing:*") == nil)
    }

    @Test("keyspace events count every end once they see five; tracked keys still give ages and overwrites")
    func events() {
        var record = NamespaceInvalidation()
        let kinds: Set<KeyEventKind> = [.expired, .evicted, .deleted, .keymiss]
        record.addEvents(
            [
                "price:*": [.expired: 300], "user:*:profile": [.expired: 60, .deleted: 40, .keymiss: 500],
                "session:*": [.evicted: 90, .expired: 10], "cart:*": [.expired: 50],
            ], kinds: kinds, ttlSeconds: ["price:*": 599.2], now: now)
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
            tracked: ["cart:*": 20], evictions: calm, now: now)
        #expect(record.namespaces["cart:*"]?.source == .keyspaceEvents)
        #expect(record.kind(of: "cart:*") == .invalidatedOnWrite)
        #expect(record.figures[.namespaceEndAgeShareP50]?["cart:*"] == 1)
        #expect(record.figures[.namespaceEndAgeShareP90]?["cart:*"] == 1)
        // Without expirations, evictions and deletions all published, events make no shares.
        var partial = NamespaceInvalidation()
        partial.addEvents(["price:*": [.expired: 300]], kinds: [.expired, .keymiss], now: now)
        #expect(partial.kind(of: "price:*") == .unknown)
        // Overwrites where the server publishes them (Redis 8.2+).
        var full = NamespaceInvalidation()
        full.addEvents(
            [
                "price:*": [.expired: 95, .overwritten: 5], "stock:*": [.expired: 80, .overwritten: 20],
                "tag:*": [.expired: 80, .overwritten: 20],
            ],
            kinds: Set(KeyEventKind.allCases), refills: ["stock:*": 18], now: now)
        #expect(full.kind(of: "price:*") == .ttlOnly)
        #expect(full.kind(of: "stock:*") == .ttlOnly, "18 of its 20 overwrites were refill races: 2 of 100 ends")
        #expect(full.namespaces["stock:*"]?.eventsCountOverwrites == true)
        #expect(full.namespaces["stock:*"]?.counts.refilled == 18)
        #expect(full.kind(of: "tag:*") == .invalidatedOnWrite)
    }
}
