import Foundation
import Telemetry
import TestSupport
import Testing

@Suite("How tracked keys end: PTTL before and after their expiry", .sameOnEveryServer)
struct KeyLifeScheduleTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func key(_ name: String, ttl: Int64?, at second: Double = 0) -> KeyMetadata {
        KeyMetadata(
            name: Array(name.utf8), type: "string", ttlMilliseconds: ttl,
            observedAt: start.addingTimeInterval(second))
    }

    private func at(_ second: Double) -> Date { start.addingTimeInterval(second) }

    /// Answers every probe due up to `second` as a key still there with its TTL running down.
    private func answerProbes(_ schedule: inout KeyLifeSchedule, expiresAt: Double, until second: Double) -> [Double] {
        var probed: [Double] = []
        while let next = schedule.due(now: at(second), limit: 1).first, next.phase == .probing {
            let time = next.due.timeIntervalSince(start)
            probed.append(time)
            let found = schedule.record(next.name, pttl: Int64((expiresAt - time) * 1000), now: next.due)
            #expect(found == nil)
        }
        return probed
    }

    @Test("probed at doubling gaps, checked 5 % before its TTL runs out and 5 % after: there, then gone — expired")
    func expired() throws {
        var schedule = KeyLifeSchedule()
        do {
            let offered = schedule.offer(key("price:1", ttl: 60_000), namespace: "price:*", now: at(0))
            #expect(offered)
        }
        #expect(schedule.due(now: at(1.9), limit: 10).isEmpty)
        #expect(answerProbes(&schedule, expiresAt: 60, until: 56) == [2, 4, 8, 16, 32])
        #expect(schedule.due(now: at(56.9), limit: 10).isEmpty)
        let before = try #require(schedule.due(now: at(57), limit: 10).first)
        #expect(before.due == at(57) && before.phase == .beforeExpiry)
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

    @Test("gone at a probe: removed early, with its age (the middle of the span) as a share of its TTL")
    func removedEarly() throws {
        var schedule = KeyLifeSchedule()
        // First seen with 45 s left of a 60 s TTL: written 15 s before; probes from 2 s on.
        schedule.offer(key("user:1:profile", ttl: 45_000), namespace: "user:*:profile", now: at(0))
        #expect(answerProbes(&schedule, expiresAt: 45, until: 10) == [2, 4, 8])
        let endFound = schedule.record(Array("user:1:profile".utf8), pttl: -2, now: at(16), fullTTLMilliseconds: 60_000)
        let end = try #require(endFound)
        #expect(end.ending == .removedEarly)
        #expect(end.ageShare == 0.45, "ended between 8 s and 16 s: at 12 s, 27 s into a 60 s TTL")
        #expect(end.since == at(8) && end.seenAt == at(16))
    }

    @Test("a check before expiry that comes after the expiry tells nothing")
    func late() {
        var schedule = KeyLifeSchedule()
        schedule.offer(key("price:1", ttl: 10_000), namespace: "price:*", now: at(0))
        let found = schedule.record(Array("price:1".utf8), pttl: -2, now: at(10.1))
        #expect(found == nil && schedule.count == 0)
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
        #expect(schedule.nextDue == at(57 + 2), "the new life's first probe")
        #expect(schedule.count == 1)
        // A TTL as expected (within the tolerance) is the same life.
        schedule.offer(key("cart:3", ttl: 60_000), namespace: "cart:*", now: at(0))
        do {
            let found = schedule.record(Array("cart:3".utf8), pttl: 3_900, now: at(57))
            #expect(found == nil)
        }
    }

    @Test("rewritten with the same TTL within 5 s of the previous write: a refill race, not an overwrite")
    func refilled() throws {
        var schedule = KeyLifeSchedule()
        // Written at 0 with a 60 s TTL; a second reader's refill lands at 3 s (its load was slow).
        schedule.offer(key("price:1", ttl: 60_000), namespace: "price:*", now: at(0))
        let raceFound = schedule.record(Array("price:1".utf8), pttl: 59_000, now: at(4), fullTTLMilliseconds: 60_000)
        let race = try #require(raceFound)
        #expect(race.ending == .refilled)
        #expect(schedule.count == 1, "the refilled life is tracked on")
        // The same rewrite 10 s after the write: a writer replaced the value.
        schedule.offer(key("price:2", ttl: 60_000), namespace: "price:*", now: at(0))
        let lateFound = schedule.record(Array("price:2".utf8), pttl: 59_000, now: at(11), fullTTLMilliseconds: 60_000)
        #expect(try #require(lateFound).ending == .overwritten)
        // Soon, but with a longer TTL than the namespace's: not a refill of the same value.
        schedule.offer(key("price:3", ttl: 60_000), namespace: "price:*", now: at(0))
        let longerFound = schedule.record(
            Array("price:3".utf8), pttl: 300_000, now: at(2), fullTTLMilliseconds: 60_000)
        #expect(try #require(longerFound).ending == .overwritten)
    }

    @Test("the time each namespace's keys were watched: the spans between checks, taken once")
    func watchedSeconds() {
        var schedule = KeyLifeSchedule()
        schedule.offer(key("price:1", ttl: 60_000), namespace: "price:*", now: at(0))
        schedule.offer(key("user:1", ttl: 60_000), namespace: "user:*", now: at(0))
        _ = schedule.record(Array("price:1".utf8), pttl: 58_000, now: at(2))
        _ = schedule.record(Array("price:1".utf8), pttl: 56_000, now: at(4))
        _ = schedule.record(Array("user:1".utf8), pttl: -2, now: at(3))
        #expect(schedule.takeWatchedSeconds() == ["price:*": 4, "user:*": 3])
        #expect(schedule.takeWatchedSeconds().isEmpty)
    }

    @Test("checks around expiry go before probes; keys are taken on only within 80 % of the budget")
    func budget() {
        // 7 checks per 60 s life: 0.117/s each; a budget of 1/s takes 6 keys (0.7/s ≤ 0.8).
        var schedule = KeyLifeSchedule(checksPerSecond: 1)
        var taken = 0
        for index in 0..<20 where schedule.offer(key("a:\(index)", ttl: 60_000), namespace: "a:*", now: at(0)) {
            taken += 1
        }
        #expect(taken == 6)
        #expect(abs(schedule.checksNeededPerSecond - 0.7) < 0.001)
        schedule.stopTracking(Array("a:0".utf8))
        let again = schedule.offer(key("b:1", ttl: 60_000), namespace: "b:*", now: at(0))
        #expect(again)
        let full = schedule.offer(key("b:2", ttl: 60_000), namespace: "b:*", now: at(0))
        #expect(!full, "the budget is full")
        // A check before expiry due after a probe still goes first.
        var roomy = KeyLifeSchedule()
        roomy.offer(key("a:1", ttl: 60_000), namespace: "a:*", now: at(0))
        roomy.offer(key("a:2", ttl: 6_000), namespace: "a:*", now: at(0))
        _ = roomy.record(Array("a:1".utf8), pttl: 58_000, now: at(2))
        _ = roomy.record(Array("a:2".utf8), pttl: 4_000, now: at(2))
        let first = roomy.due(now: at(5.5), limit: 1).first
        #expect(first?.name == Array("a:2".utf8) && first?.phase == .beforeExpiry)
    }

    @Test(
        "a full namespace gives up its key with the most life left for one whose TTL is under half of that, while over half its slots hold such lives"
    )
    func recycling() {
        var schedule = KeyLifeSchedule(perNamespace: 4)
        for index in 0..<4 { schedule.offer(key("week:\(index)", ttl: 604_800_000), namespace: "a:*", now: at(0)) }
        let fourDays = schedule.offer(key("four:1", ttl: 4 * 86_400_000), namespace: "a:*", now: at(0))
        #expect(!fourDays, "four days is not under half of a week")
        let minute = schedule.offer(key("minute:1", ttl: 60_000), namespace: "a:*", now: at(0))
        #expect(minute && schedule.count == 4 && schedule.trackedPerNamespace == ["a:*": 4])
        // Until half the slots hold minute-long lives; the other half keep week-long ones (where
        // deletions show).
        for index in 2..<6 { schedule.offer(key("minute:\(index)", ttl: 60_000), namespace: "a:*", now: at(0)) }
        let names = schedule.due(now: at(1_000_000), limit: 10).map { String(decoding: $0.name, as: UTF8.self) }
        #expect(
            names.filter { $0.hasPrefix("minute:") }.count == 2 && names.filter { $0.hasPrefix("week:") }.count == 2)
    }

    @Test("a namespace of week-long keys with one in ten living a minute reaches five ends within two minutes")
    func mixedTTLs() {
        // The sampler offers 10 keys a second: 9 with a week's TTL, 1 with a minute's; every
        // key lives its TTL out. Slots held by week-long keys would yield no end for a week.
        var schedule = KeyLifeSchedule(checksPerSecond: 20)
        var expiresAt: [String: Double] = [:]
        var ends = 0
        var fifthEnd: Double?
        for tenth in 0..<1_300 {
            let second = Double(tenth) / 10
            if tenth % 10 == 0 {
                for index in 0..<10 {
                    let name = "item:\(tenth)-\(index)"
                    let ttl: Int64 = index == 0 ? 60_000 : 604_800_000
                    expiresAt[name] = second + Double(ttl) / 1000
                    schedule.offer(key(name, ttl: ttl, at: second), namespace: "item:*", now: at(second))
                }
            }
            for due in schedule.due(now: at(second), limit: 5) {
                let name = String(decoding: due.name, as: UTF8.self)
                let left = (expiresAt[name] ?? 0) - second
                let pttl: Int64 = left > 0 ? Int64(left * 1000) : -2
                if let end = schedule.record(due.name, pttl: pttl, now: at(second), fullTTLMilliseconds: 604_800_000) {
                    #expect(end.ending == .expired, "\(end)")
                    ends += 1
                    if ends == 5 { fifthEnd = second }
                }
            }
        }
        #expect(fifthEnd.map { $0 <= 120 } == true, "the fifth end at \(String(describing: fifthEnd)) s")
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

/// Checks answered late — a busy host, a slow server — still tell expiries from deletions: the
/// check before expiry moves earlier by how late checks have been.
@Suite("Key lives on a slow host", .sameOnEveryServer)
struct KeyLifeLatenessTests {
    @Test(
        "every check answered 1.2 s late: 8 s keys still end as expired (without the allowance, their checks came after expiry and told nothing)"
    )
    func lateChecks() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var schedule = KeyLifeSchedule(perNamespace: 40)
        var expired = 0
        var unknown = 0
        // A key written every second with an 8 s TTL, offered when written; it expires at its TTL.
        var expiries: [[UInt8]: Double] = [:]
        var time = 0.0
        var offered = 0
        while time < 60 {
            if time.truncatingRemainder(dividingBy: 1) == 0, offered < 40 {
                let name = Array("price:\(offered)".utf8)
                expiries[name] = time + 8
                schedule.offer(
                    KeyMetadata(
                        name: name, type: "string", ttlMilliseconds: 8_000,
                        observedAt: start.addingTimeInterval(time)),
                    namespace: "price:*", now: start.addingTimeInterval(time))
                offered += 1
            }
            // What fell due 1.2 s ago is answered now, as the server sees the key now.
            let now = start.addingTimeInterval(time)
            for check in schedule.due(now: now.addingTimeInterval(-1.2), limit: 100) {
                let left = (expiries[check.name] ?? 0) - time
                let pttl: Int64 = left > 0 ? Int64(left * 1000) : -2
                let before = schedule.count
                if let end = schedule.record(check.name, pttl: pttl, now: now) {
                    if end.ending == .expired { expired += 1 }
                } else if schedule.count < before {
                    unknown += 1  // stopped tracking with nothing known
                }
            }
            time += 0.25
        }
        #expect(schedule.lateness >= 1.1 && schedule.lateness < 1.5)
        // The keys whose checks were scheduled before the first late answer (the first 8 s) tell
        // nothing; every later one ends as expired.
        #expect(expired >= 32, "expired \(expired), nothing known \(unknown)")
        #expect(unknown <= 8, "the first keys, before the lateness was seen: \(unknown)")
    }
}
