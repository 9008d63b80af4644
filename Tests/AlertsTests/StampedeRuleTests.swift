import Alerts
import Foundation
import Metrics
import Telemetry
import Testing

/// The built-in StampedeNow rule on node "n" over per-tick lookups, misses and expiries, one
/// tick a second (counters accumulate from them); `afterIngest(store, tick)` adds figures of its
/// own before each evaluation. Returns each tick's events.
private func runStampedeNow(
    _ ticks: [(lookups: Int64, misses: Int64, expired: Int64)],
    afterIngest: (inout MetricStore, Int) -> Void = { _, _ in }
) -> [[AlertEvent]] {
    var engine = RuleEngine(rules: DefaultRules.rules.filter { $0.name == "StampedeNow" })
    var store = MetricStore()
    var hits: Int64 = 0
    var misses: Int64 = 0
    var expired: Int64 = 0
    var events: [[AlertEvent]] = []
    for (index, tick) in ticks.enumerated() {
        hits += tick.lookups - tick.misses
        misses += tick.misses
        expired += tick.expired
        let info = InfoSnapshot(sections: [
            "server": ["run_id": "r"],
            "stats": [
                "keyspace_hits": String(hits), "keyspace_misses": String(misses), "expired_keys": String(expired),
                "evicted_keys": "0",
            ],
        ])
        let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(index))
        store.ingest(Sample(node: "n", time: time, outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
        afterIngest(&store, index)
        events.append(engine.eval(now: time, store: store))
    }
    return events
}

/// The built-in StampedeNow rule against synthetic traffic, one tick a second.
@Suite("StampedeNow")
struct StampedeRuleTests {
    private func run(_ ticks: [(lookups: Int64, misses: Int64, expired: Int64)]) -> [[AlertEvent]] {
        runStampedeNow(ticks)
    }

    private let steady = Array(repeating: (lookups: Int64(1000), misses: Int64(50), expired: Int64(10)), count: 30)

    @Test("a wave of expiries, then misses far above baseline while the hit ratio falls: fires at once")
    func fires() {
        let stampede = [
            (lookups: Int64(1000), misses: Int64(20), expired: Int64(900)),  // the wave expires
            (lookups: Int64(1200), misses: Int64(700), expired: Int64(15)),
        ]  // the herd misses
        let events = run(steady + stampede + steady.prefix(40))
        let firing = events.enumerated().filter { $0.element.contains { $0.kind == .firing } }.map(\.offset)
        #expect(firing == [31], "fires on the herd's tick, once")
        let resolved = events.enumerated().filter { $0.element.contains { $0.kind == .resolved } }.map(\.offset)
        #expect(resolved.count == 1 && (resolved.first ?? 0) > 31)
    }

    @Test("steady traffic, a surge with the same hit ratio, or expiries alone never fire")
    func noFalseAlarms() {
        let surge = Array(repeating: (lookups: Int64(5000), misses: Int64(250), expired: Int64(12)), count: 10)
        let expiriesOnly = [(lookups: Int64(1000), misses: Int64(50), expired: Int64(2000))]
        let events = run(steady + surge + steady + expiriesOnly + steady)
        #expect(events.allSatisfy { $0.isEmpty })
    }
}

@Suite("Policy and replication rules")
struct PolicyRuleTests {
    private func firing(_ names: Set<String>, sections: [String: [String: String]]) -> [String] {
        var engine = RuleEngine(rules: DefaultRules.rules.filter { names.contains($0.name) })
        var store = MetricStore()
        var fired: [String] = []
        for second in 0..<40 {
            let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(second))
            store.ingest(
                Sample(
                    node: "n", time: time,
                    outcome: .reading(
                        Reading(info: InfoSnapshot(sections: sections), slowlog: nil, pingRTT: nil))))
            fired += engine.eval(now: time, store: store).filter { $0.kind == .firing }.map(\.alert.name)
        }
        return fired
    }

    @Test("noeviction at the limit fires; allkeys-lru at the limit does not")
    func noEviction() {
        let full = ["used_memory": "99", "maxmemory": "100"]
        #expect(
            firing(["NoEvictionFull"], sections: ["memory": full.merging(["maxmemory_policy": "noeviction"]) { $1 }])
                == ["NoEvictionFull"])
        #expect(
            firing(["NoEvictionFull"], sections: ["memory": full.merging(["maxmemory_policy": "allkeys-lru"]) { $1 }])
                .isEmpty)
    }

    @Test("a replica whose link is down fires after 30 s; lag after a minute is beyond this window")
    func replicas() {
        let down = ["role": "slave", "master_link_status": "down", "master_last_io_seconds_ago": "3"]
        #expect(firing(["ReplicaDown", "ReplicationLag"], sections: ["replication": down]) == ["ReplicaDown"])
        let up = ["role": "slave", "master_link_status": "up", "master_last_io_seconds_ago": "1"]
        #expect(firing(["ReplicaDown", "ReplicationLag"], sections: ["replication": up]).isEmpty)
        #expect(
            firing(["ReplicaDown"], sections: ["replication": ["role": "master"]]).isEmpty,
            "no link on a primary: no alert")
    }
}

@Suite("Stampeding namespaces from keyspace events")
struct NamespaceStampedeTests {
    private func tally(
        _ counts: [String: [KeyEventKind: Int]], at second: Double, complete: Bool = true
    ) -> KeyEventCounter.Tally {
        KeyEventCounter.Tally(
            counts: counts, since: Date(timeIntervalSince1970: second - 1), until: Date(timeIntervalSince1970: second),
            isComplete: complete)
    }

    @Test("misses 4x their last 10 s right after the namespace's keys expired: named; the others not")
    func named() {
        var stampede = NamespaceStampede()
        var second = 1_000.0
        for _ in 0..<12 {
            second += 1
            let steady = stampede.add(
                tally(
                    [
                        "price:*": [.keymiss: 10, .expired: 1], "search:*": [.keymiss: 200],
                        "user:*": [.keymiss: 5, .expired: 3],
                    ], at: second))
            #expect(steady.isEmpty, "\(steady)")
        }
        second += 1
        _ = stampede.add(tally(["price:*": [.expired: 900, .keymiss: 10], "search:*": [.keymiss: 210]], at: second))
        second += 1
        let herd = stampede.add(
            tally(
                ["price:*": [.keymiss: 700], "search:*": [.keymiss: 1000], "user:*": [.keymiss: 5]], at: second))
        // search:* misses 5x too, but none of its keys expired: a surge of reads, no stampede.
        #expect(herd == ["price:*": 700])
    }

    @Test("a gap (an incomplete interval) is no baseline")
    func gap() {
        var stampede = NamespaceStampede()
        _ = stampede.add(tally(["price:*": [.keymiss: 10, .expired: 5]], at: 1))
        _ = stampede.add(tally([:], at: 2, complete: false))
        #expect(stampede.add(tally(["price:*": [.keymiss: 700, .expired: 5]], at: 3)).isEmpty)
    }

    @Test("StampedeNow names the stampeding namespaces, and says when it cannot")
    func summary() {
        for named in [true, false] {
            let ticks =
                Array(repeating: (lookups: Int64(1000), misses: Int64(50), expired: Int64(10)), count: 30) + [
                    (lookups: Int64(1000), misses: Int64(20), expired: Int64(900)),
                    (lookups: Int64(1200), misses: Int64(700), expired: Int64(15)),
                ]
            let events = runStampedeNow(ticks) { store, index in
                if named {
                    store.setInstances(
                        node: "n", .namespaceStampedeMissesPerSec,
                        index == ticks.count - 1 ? ["price:*": 650, "coupon:*": 40.5] : [:])
                }
            }
            let fired = events.joined().first { $0.kind == .firing }
            let summary = fired?.alert.summary ?? ""
            #expect(
                summary.hasSuffix(
                    named
                        ? "stampeding namespaces: price:* 650/s, coupon:* 40.5/s"
                        : "stampeding namespaces: not known (keyspace events off)"), "\(summary)")
        }
    }

    @Test("EvictionsByNamespace: after a minute of evictions, the three namespaces that take most")
    func evictionsByNamespace() {
        var engine = RuleEngine(rules: DefaultRules.rules.filter { $0.name == "EvictionsByNamespace" })
        var store = MetricStore()
        var events: [AlertEvent] = []
        for index in 0..<80 {
            let info = InfoSnapshot(sections: [
                "server": ["run_id": "r"], "stats": ["evicted_keys": String(index * 100)],
            ])
            let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(index))
            store.ingest(
                Sample(node: "n", time: time, outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
            store.setInstances(
                node: "n", .namespaceEvictedPerSec, ["session:*": 60, "cart:*": 25, "feed:*": 10, "tmp:*": 5])
            // Events counted from the 10th second on (before: the rule does not apply).
            store.setExternal(node: "n", .eventsDroppedPerSec, index >= 10 ? 0 : nil)
            events += engine.eval(now: time, store: store)
        }
        let fired = events.filter { $0.kind == .firing }
        #expect(fired.count == 1)
        #expect(fired.first.map { $0.time.timeIntervalSince1970 - 1_800_000_000 } ?? 0 >= 70 - 1)
        #expect(fired.first?.alert.severity == .info)
        #expect(
            fired.first?.alert.summary == "n evicts 100 keys/s, most from: session:* 60/s, cart:* 25/s, feed:* 10/s",
            "\(fired.first?.alert.summary ?? "")")
    }
}
