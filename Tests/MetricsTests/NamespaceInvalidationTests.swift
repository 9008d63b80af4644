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
        #expect(profile?.deleted == 1 && profile?.overwritten == 1 && profile?.tracked == 18)
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
        #expect(record.kind(of: "session:*") == .ttlOnly, "evictions are not invalidation by the writer")
        #expect(record.figures[.namespaceEvictedShare]?["session:*"] == 0.6)
    }
}
