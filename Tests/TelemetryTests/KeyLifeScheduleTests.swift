import Foundation
import Telemetry
import Testing

@Suite("How tracked keys end: PTTL before and after their expiry")
struct KeyLifeScheduleTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func key(_ name: String, ttl: Int64?, at second: Double = 0) -> KeyMetadata {
        KeyMetadata(
            name: Array(name.utf8), type: "string", ttlMilliseconds: ttl,
            observedAt: start.addingTimeInterval(second))
    }

    private func at(_ second: Double) -> Date { start.addingTimeInterval(second) }

    @Test("checked 5 % before its TTL runs out and 5 % after: there, then gone — expired")
    func expired() throws {
        var schedule = KeyLifeSchedule()
        do {
            let offered = schedule.offer(key("price:1", ttl: 60_000), namespace: "price:*", now: at(0))
            #expect(offered)
        }
        #expect(schedule.due(now: at(50), limit: 10).isEmpty)
        let before = try #require(schedule.due(now: at(57), limit: 10).first)
        #expect(before.due == at(57))
        do {
            let found = schedule.record(before.name, pttl: 3_000, now: at(57))
            #expect(found == nil)
        }
        #expect(schedule.due(now: at(61), limit: 10).isEmpty)
        #expect(schedule.nextDue == at(63))
        let endFound = schedule.record(before.name, pttl: -2, now: at(63))
        let end = try #require(endFound)
        #expect(end.ending == .expired && end.ageShare == 1 && end.ttlSeconds == 60)
        #expect(schedule.count == 0)
    }

    @Test("gone before the first check: removed early, with its age as a share of its TTL")
    func removedEarly() throws {
        var schedule = KeyLifeSchedule()
        // First seen with 45 s left of a 60 s TTL: written 15 s before.
        schedule.offer(key("user:1:profile", ttl: 45_000), namespace: "user:*:profile", now: at(0))
        let endFound = schedule.record(Array("user:1:profile".utf8), pttl: -2, now: at(15), fullTTLMilliseconds: 60_000)
        let end = try #require(endFound)
        #expect(end.ending == .removedEarly)
        #expect(end.ageShare == 0.5)
        #expect(end.since == at(0) && end.seenAt == at(15))
    }

    @Test("a TTL that jumped up, or none now: overwritten; the new life is tracked")
    func overwritten() throws {
        var schedule = KeyLifeSchedule()
        schedule.offer(key("cart:1", ttl: 60_000), namespace: "cart:*", now: at(0))
        schedule.offer(key("cart:2", ttl: 60_000), namespace: "cart:*", now: at(0))
        let persistedFound = schedule.record(Array("cart:2".utf8), pttl: -1, now: at(57))
        let persisted = try #require(persistedFound)
        #expect(persisted.ending == .overwritten)
        let rewrittenFound = schedule.record(Array("cart:1".utf8), pttl: 59_000, now: at(57))
        let rewritten = try #require(rewrittenFound)
        #expect(rewritten.ending == .overwritten)
        #expect(schedule.nextDue == at(57 + 59 - 2.95))  // the new life's check before expiry
        #expect(schedule.count == 1)
        // A TTL as expected (within the tolerance) is the same life.
        schedule.offer(key("cart:3", ttl: 60_000), namespace: "cart:*", now: at(0))
        do {
            let found = schedule.record(Array("cart:3".utf8), pttl: 3_900, now: at(57))
            #expect(found == nil)
        }
    }

    @Test("bounded per namespace and in all; keys without a TTL or with a very short one are not tracked")
    func bounds() {
        var schedule = KeyLifeSchedule(perNamespace: 2, capacity: 3)
        do {
            let offered = schedule.offer(key("a:1", ttl: 60_000), namespace: "a:*", now: at(0))
            #expect(offered)
        }
        do {
            let offered = schedule.offer(key("a:2", ttl: 60_000), namespace: "a:*", now: at(0))
            #expect(offered)
        }
        do {
            let offered = schedule.offer(key("a:3", ttl: 60_000), namespace: "a:*", now: at(0))
            #expect(!offered)
        }
        let trackedAlready = schedule.offer(key("a:1", ttl: 60_000), namespace: "a:*", now: at(0))
        #expect(!trackedAlready, "tracked already")
        do {
            let offered = schedule.offer(key("b:1", ttl: nil), namespace: "b:*", now: at(0))
            #expect(!offered)
        }
        do {
            let offered = schedule.offer(key("b:2", ttl: 900), namespace: "b:*", now: at(0))
            #expect(!offered)
        }
        do {
            let offered = schedule.offer(key("b:3", ttl: 60_000), namespace: "b:*", now: at(0))
            #expect(offered)
        }
        let full = schedule.offer(key("c:1", ttl: 60_000), namespace: "c:*", now: at(0))
        #expect(!full, "full")
        #expect(schedule.due(now: at(100), limit: 2).count == 2, "the budget caps a round")
        schedule.stopTracking(Array("a:1".utf8))
        do {
            let offered = schedule.offer(key("a:3", ttl: 60_000), namespace: "a:*", now: at(0))
            #expect(offered)
        }
    }
}
