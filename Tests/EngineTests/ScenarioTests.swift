import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import TestSupport
import Testing

@testable import Telemetry

/// The built-in rules on a simulated cache, through the engine's own step, in virtual time: a
/// healthy cache for minutes fires nothing, a stampede and an eviction storm fire their alerts
/// when they should — deterministic, in milliseconds, for several seeds. The same scenarios on
/// real servers, fewer and shorter, are EndToEndTests' AlertScenarioTests.
@Suite("Scenarios in virtual time", .sameOnEveryServer)
struct ScenarioTests {
    /// Runs `seconds` one-second ticks of `cache` (polled, 50 keys sampled each) through a
    /// state with the built-in rules; `change` may alter the cache before each tick.
    private static func run(
        _ cache: inout VirtualCache, seconds: Int, state: inout EngineState,
        change: (Int, inout VirtualCache) -> Void = { _, _ in }
    ) -> [TimedAlertEvent] {
        var timed: [TimedAlertEvent] = []
        for second in 0..<seconds {
            change(second, &cache)
            let batch = [cache.tick(), cache.sampledKeys(50)]
            let now = Date(timeIntervalSince1970: cache.time)
            timed += state.apply(batch, now: now).alertEvents.map { TimedAlertEvent(second: second, event: $0) }
        }
        return timed
    }

    @Test("a healthy cache under load for five minutes fires nothing, nothing pending — five seeds", arguments: 1...5)
    func healthy(seed: UInt64) throws {
        var cache = VirtualCache(seed: seed)
        var state = EngineState(rules: DefaultRules.rules)
        let events = Self.run(&cache, seconds: 300, state: &state)
        #expect(events.isEmpty, "\(events)")
        #expect(state.activeAlerts.isEmpty, "\(state.activeAlerts.map(\.identity))")
        // The figures the rules judged are there and healthy: nothing was quiet for want of data.
        let node = try #require(state.store[cache.node])
        #expect((0.9...1).contains(node.latest(.hitRatio) ?? 0), "\(String(describing: node.latest(.hitRatio)))")
        #expect((900...1250).contains(node.latest(.opsPerSec) ?? 0))
        #expect(node.latest(.evictedPerSec) == 0 && node.latest(.memoryUsedRatio) ?? 1 < 0.5)
        let namespaces = Set(node.instances(.namespaceKeys)?.keys.map { $0 } ?? [])
        #expect(namespaces == ["user:*", "session:*", "page:*"], "\(namespaces)")
        #expect(node.instances(.namespaceTTLJitter)?.values.allSatisfy { $0 > 0.1 } == true)
    }

    @Test("a stampede fires StampedeNow within two polls of its wave, whatever the seed", arguments: 1...5)
    func stampede(seed: UInt64) {
        var cache = VirtualCache(seed: seed)
        var state = EngineState(rules: DefaultRules.rules)
        let wave = 180
        let events = Self.run(&cache, seconds: wave + 30, state: &state) { second, cache in
            switch second - wave {
            case 0:  // a family without jitter expires in one second…
                cache.expiredPerSecond = 3000
            case 1...6:  // …every reader misses it and goes to the database…
                cache.expiredPerSecond = 20
                cache.hitRatio = 0.45
                cache.writesPerSecond = 600
            default:  // …and the refills restore the cache.
                cache.hitRatio = 0.95
                cache.writesPerSecond = 60
            }
        }
        let stampedes = events.filter { $0.event.alert.name == "StampedeNow" && $0.event.kind == .firing }
        #expect(stampedes.first.map { (wave...wave + 2).contains($0.second) } == true, "\(events)")
        #expect(!events.contains { $0.second < wave }, "nothing before the wave: \(events)")
    }

    @Test("a mass expiry of keys nobody reads is no stampede: the hit ratio holds", arguments: 1...3)
    func expiryWithoutMisses(seed: UInt64) {
        var cache = VirtualCache(seed: seed)
        var state = EngineState(rules: DefaultRules.rules)
        let events = Self.run(&cache, seconds: 240, state: &state) { second, cache in
            cache.expiredPerSecond = second == 180 ? 3000 : 20
        }
        #expect(!events.contains { $0.event.alert.name == "StampedeNow" }, "\(events)")
    }

    @Test(
        "an eviction storm: EvictionStorm and EvictionsActive fire after their hold-downs, not before", arguments: 1...3
    )
    func evictionStorm(seed: UInt64) {
        var cache = VirtualCache(seed: seed)
        cache.policy = "allkeys-lru"
        var state = EngineState(rules: DefaultRules.rules)
        let start = 120
        let events = Self.run(&cache, seconds: start + 120, state: &state) { second, cache in
            guard second >= start else { return }
            cache.usedMemory = cache.maxmemory - (1 << 20)
            cache.evictedPerSecond = 2000
            cache.writesPerSecond = 2100
        }
        func firing(_ name: String) -> Int? {
            events.first { $0.event.alert.name == name && $0.event.kind == .firing }?.second
        }
        // Under allkeys-* the sessions may be evicted from the start: that is said, and nothing else.
        #expect(firing("CriticalKeysEvictable").map { $0 < start } == true, "\(events)")
        let early = events.filter { $0.second < start && $0.event.alert.name != "CriticalKeysEvictable" }
        #expect(early.isEmpty, "nothing else before the storm: \(early)")
        // EvictionStorm: over 1,000/s on average over 30 s, for 30 s; EvictionsActive: any over
        // a minute, for a minute.
        #expect(firing("EvictionStorm").map { (start + 30...start + 62).contains($0) } == true, "\(events)")
        #expect(firing("EvictionsActive").map { (start + 59...start + 62).contains($0) } == true, "\(events)")
        #expect(firing("StampedeNow") == nil, "steady evictions are no stampede: \(events)")
    }

    @Test(
        "memory full under allkeys-lru: one incident — MemoryFull the cause, evictions, sessions evictable and the hit ratio its symptoms"
    )
    func evictionIncident() throws {
        var cache = VirtualCache(seed: 11)
        cache.policy = "allkeys-lru"
        var state = EngineState(rules: DefaultRules.rules, inhibitions: DefaultRules.inhibitions)
        let full = 30
        let timed = Self.run(&cache, seconds: 240, state: &state) { second, cache in
            guard second >= full else { return }
            // Memory reaches maxmemory: the policy evicts, more each second for a minute, and
            // misses follow the evicted keys.
            let ramp = min(1, Double(second - full + 1) / 60)
            cache.usedMemory = cache.maxmemory
            cache.evictedPerSecond = 170 * ramp
            cache.hitRatio = 0.95 - 0.25 * ramp
        }
        let (incidents, others) = state.ruleEngine.incidents
        let incident = try #require(incidents.first, "\(timed)")
        #expect(incidents.count == 1)
        #expect(incident.cause.name == "MemoryFull")
        let symptoms = Set(incident.symptoms.map(\.name))
        #expect(
            symptoms.isSuperset(of: ["EvictionsActive", "CriticalKeysEvictable", "LowHitRatio", "MemoryNearMax"]),
            "\(symptoms)")
        #expect(others.isEmpty, "nothing else on the node: \(others.map(\.identity))")
        // The cause fires first (once memory is full and evictions show); each symptom's firing
        // event names it.
        let fired = timed.filter { $0.event.kind == .firing }
        #expect(fired.first?.event.alert.name == "MemoryFull", "\(timed)")
        for event in fired.dropFirst() {
            #expect(event.event.alert.cause == "MemoryFull{node=\(cache.node)}", "\(event)")
        }
    }

    @Test("a failover: the old primary is Down after 30 s, the promoted replica fires Failover at once; nothing before")
    func failover() {
        var primary = VirtualCache(seed: 7)
        primary.node = "a:6379"
        primary.replicas = ["10.0.0.2:6379"]
        var replica = VirtualCache(seed: 8)
        replica.node = "b:6379"
        replica.role = "slave"
        replica.readsPerSecond = 200
        var state = EngineState(rules: DefaultRules.rules)
        let death = 120
        var timed: [TimedAlertEvent] = []
        for second in 0..<death + 60 {
            switch second - death {
            case 0: primary.answers = false
            case 0..<5: replica.primaryLinkUp = false  // the replica notices, then is promoted
            case 5:
                replica.role = "master"
                replica.primaryLinkUp = true
            default: break
            }
            let batch = [primary.tick(), replica.tick(), primary.sampledKeys(20), replica.sampledKeys(20)]
            let now = Date(timeIntervalSince1970: primary.time)
            timed += state.apply(batch, now: now).alertEvents.map { TimedAlertEvent(second: second, event: $0) }
        }
        func firing(_ name: String, on node: String) -> Int? {
            timed.first {
                $0.event.alert.name == name && $0.event.kind == .firing && $0.event.alert.labels["node"] == node
            }?.second
        }
        #expect(!timed.contains { $0.second < death }, "nothing before the failover: \(timed)")
        #expect(firing("Failover", on: "b:6379").map { (death + 5...death + 7).contains($0) } == true, "\(timed)")
        #expect(firing("Down", on: "a:6379").map { (death + 29...death + 31).contains($0) } == true, "\(timed)")
        #expect(firing("ReplicaDown", on: "b:6379") == nil, "a link down 5 s is under its 30 s: \(timed)")
    }

    @Test("a node down from the start: Down fires after 30 s of failed polls, not at the first")
    func downFromTheStart() {
        var cache = VirtualCache(seed: 3)
        cache.node = "a:6379"
        cache.answers = false
        var state = EngineState(rules: DefaultRules.rules)
        var timed: [TimedAlertEvent] = []
        for second in 0..<45 {
            let now = Date(timeIntervalSince1970: cache.time)
            timed += state.apply([cache.tick()], now: now).alertEvents.map {
                TimedAlertEvent(second: second, event: $0)
            }
        }
        let fired = timed.first { $0.event.alert.name == "Down" && $0.event.kind == .firing }?.second
        #expect(fired.map { (29...31).contains($0) } == true, "\(timed)")
    }

    /// An end of a tracked key of `namespace`, seen at `time`, `ageShare` of the way into a life of `ttl`.
    private static func end(
        _ namespace: String, _ ending: KeyLifeSchedule.Ending, at time: Double, ttl: Double, ageShare: Double
    ) -> KeyLifeSchedule.End {
        KeyLifeSchedule.End(
            namespace: namespace, ending: ending, seenAt: Date(timeIntervalSince1970: time),
            since: Date(timeIntervalSince1970: time - 1), ageShare: ageShare, ttlSeconds: ttl)
    }

    @Test(
        "staleness verdicts: TTL-only prices get their TTL as the bound and StaleRisk; profiles deleted on write do not; an eviction is no invalidation"
    )
    func stalenessVerdicts() throws {
        var cache = VirtualCache(seed: 3)
        var state = EngineState(rules: DefaultRules.rules)
        var timed: [TimedAlertEvent] = []
        let evictionsFrom = 200
        for second in 0..<300 {
            if second == evictionsFrom { cache.evictedPerSecond = 50 }
            var batch = [cache.tick(), cache.sampledKeys(50)]
            // Every 10 s, what key-life tracking found: a price lived its 600 s out; a profile
            // was deleted a third into its hour; once the node evicts, a price removed early.
            if second % 10 == 9 {
                var ends = [
                    Self.end("price:*", .expired, at: cache.time, ttl: 600, ageShare: 1),
                    Self.end("user:*:profile", .removedEarly, at: cache.time, ttl: 3600, ageShare: 0.3),
                ]
                if second > evictionsFrom {
                    ends.append(Self.end("price:*", .removedEarly, at: cache.time, ttl: 600, ageShare: 0.5))
                }
                // Twenty keys of each namespace watched through the ten seconds.
                let report = KeyLifeTracker.Report(
                    ends: ends, tracked: ["price:*": 20, "user:*:profile": 20],
                    watchedSeconds: ["price:*": 200, "user:*:profile": 200])
                batch.append(.keyLives(node: cache.node, report))
            }
            timed += state.apply(batch, now: Date(timeIntervalSince1970: cache.time)).alertEvents.map {
                TimedAlertEvent(second: second, event: $0)
            }
        }
        let node = try #require(state.store[cache.node])
        let invalidation = try #require(state.node(cache.node)?.invalidation)
        #expect(invalidation.kind(of: "price:*") == .ttlOnly)
        #expect(invalidation.kind(of: "user:*:profile") == .invalidatedOnWrite)
        #expect(node.value(.namespaceStalenessBoundSeconds, instance: "price:*") == 600)
        #expect(node.value(.namespaceStalenessBoundSeconds, instance: "user:*:profile") == nil)
        // Prices removed early while the node evicts, as often as its rate explains, are not a
        // writer's deletions: uncertain.
        #expect(node.value(.namespaceInvalidatedShare, instance: "price:*") == 0)
        #expect((node.value(.namespaceUncertainEndShare, instance: "price:*") ?? 0) > 0)
        let stale = timed.filter { $0.event.alert.name == "StaleRisk" && $0.event.kind == .firing }
        #expect(stale.map { $0.event.alert.labels["namespace"] } == ["price:*"], "\(timed)")
        // The fifth end decides: a verdict within 50 s of the first report.
        #expect(stale.first.map { $0.second <= 50 } == true, "\(timed)")
    }
}
