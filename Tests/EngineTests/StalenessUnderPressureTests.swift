import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

/// Staleness verdicts where people need them: a cache evicting under `allkeys-lru`, read by
/// cache-aside readers who race to refill what they missed, its keys followed by key-life
/// tracking as the engine runs it — key by key, in virtual time (``PressureKeyspace``).
@Suite("Staleness verdicts under memory pressure", .sameOnEveryServer)
struct StalenessUnderPressureTests {
    /// What one run ended with.
    struct Outcome {
        var state: EngineState
        var node: String
        var evictions: Int
        /// The second each namespace first had each verdict.
        var firstVerdicts: [String: [NamespaceInvalidation.Kind: Int]]
        /// Each namespace's verdict at every second.
        var verdicts: [String: [NamespaceInvalidation.Kind]] = [:]

        var invalidation: NamespaceInvalidation? { state.node(node)?.invalidation }
        func value(_ metric: Metric, _ namespace: String) -> Double? {
            state.store[node]?.value(metric, instance: namespace)
        }
    }

    /// Runs `keyspace` for `seconds` with the engine, key sampling (50 keys a second) and key-life
    /// tracking at its defaults (20 checks a second, 20 keys per namespace), polled every second.
    static func run(_ keyspace: PressureKeyspace, seconds: Int, seed: UInt64) -> Outcome {
        var keyspace = keyspace
        var cache = VirtualCache(seed: seed)
        cache.noise = 0
        cache.policy = "allkeys-lru"
        var state = EngineState(rules: DefaultRules.rules)
        var schedule = KeyLifeSchedule(checksPerSecond: 20)
        var fullTTL: [String: Int64] = [:]
        var firstVerdicts: [String: [NamespaceInvalidation.Kind: Int]] = [:]
        var verdicts: [String: [NamespaceInvalidation.Kind]] = [:]
        for second in 0..<seconds {
            var ends: [KeyLifeSchedule.End] = []
            for _ in 0..<4 {
                keyspace.advance(0.25)
                let now = Date(timeIntervalSince1970: keyspace.time)
                for key in schedule.due(now: now, limit: 5) {
                    let pttl = keyspace.pttl(key.name)
                    if let end = schedule.record(
                        key.name, pttl: pttl, now: now, fullTTLMilliseconds: fullTTL[key.namespace])
                    {
                        ends.append(end)
                    }
                }
            }
            let sampled = keyspace.sample(50)
            for key in sampled {
                let namespace = keyspace.pattern(of: key.name)
                fullTTL[namespace] = max(fullTTL[namespace] ?? 0, key.ttlMilliseconds ?? 0)
                schedule.offer(key, namespace: namespace, now: Date(timeIntervalSince1970: keyspace.time))
            }
            let counts = keyspace.takeCounts()
            cache.evictedPerSecond = Double(counts.evicted)
            cache.expiredPerSecond = Double(counts.expired)
            cache.readsPerSecond = Double(counts.hits + counts.misses)
            cache.hitRatio =
                counts.hits + counts.misses > 0 ? Double(counts.hits) / Double(counts.hits + counts.misses) : 1
            cache.writesPerSecond = Double(counts.writes)
            cache.families = [VirtualCache.Family(prefix: "k:", keys: keyspace.count, ttlSeconds: 60...60)]
            let report = KeyLifeTracker.Report(
                ends: ends, tracked: schedule.trackedPerNamespace, watchedSeconds: schedule.takeWatchedSeconds())
            _ = state.apply(
                [
                    .keyLives(node: cache.node, report), cache.tick(),
                    .keys(node: cache.node, keys: sampled, finishedPass: false, unavailable: [:]),
                ],
                now: Date(timeIntervalSince1970: keyspace.time))
            if let invalidation = state.node(cache.node)?.invalidation {
                for name in invalidation.namespaces.keys {
                    let kind = invalidation.kind(of: name)
                    if firstVerdicts[name]?[kind] == nil { firstVerdicts[name, default: [:]][kind] = second }
                    verdicts[name, default: []].append(kind)
                }
            }
        }
        return Outcome(
            state: state, node: cache.node, evictions: keyspace.evictedTotal, firstVerdicts: firstVerdicts,
            verdicts: verdicts)
    }

    /// Prices written with one fixed TTL and never deleted or updated, read through the cache by
    /// racing readers; profiles deleted on update; sessions written and never read filling
    /// memory past `maxmemory` (`capacity` keys).
    static func pressure(
        seed: UInt64, capacity: Int = 6000, sessionsPerSecond: Double = 12,
        profiles: PressureKeyspace.Strategy = .deleteOnUpdate(everySeconds: 120)
    ) -> PressureKeyspace {
        PressureKeyspace(
            seed: seed,
            namespaces: [
                .init(prefix: "price:", pattern: "price:*", ids: 3000, ttlSeconds: 60, readsPerSecond: 400),
                .init(
                    prefix: "user:", pattern: "user:*:profile", ids: 2000, ttlSeconds: 300, readsPerSecond: 150,
                    strategy: profiles),
            ],
            capacity: capacity, fillerPerSecond: sessionsPerSecond, start: 1_800_000_000)
    }

    private static func describe(_ outcome: Outcome, _ namespace: String) -> String {
        let ends = outcome.invalidation?.namespaces[namespace]
        return
            "\(namespace): \(String(describing: ends?.counts)), verdict \(String(describing: outcome.invalidation?.verdict(of: namespace))), \(outcome.evictions) evictions"
    }

    @Test(
        "a never-invalidated namespace under eviction and refill races: TTL-only, its TTL the bound; profiles deleted on update still on write — five seeds",
        arguments: 1...5)
    func neverInvalidated(seed: UInt64) throws {
        let outcome = Self.run(Self.pressure(seed: seed), seconds: 300, seed: seed)
        let invalidation = try #require(outcome.invalidation)
        #expect(outcome.evictions > 1500, "the simulated cache must be under pressure: \(outcome.evictions) evictions")
        #expect(invalidation.kind(of: "price:*") == .ttlOnly, "\(Self.describe(outcome, "price:*"))")
        #expect(
            (outcome.value(.namespaceInvalidatedShare, "price:*") ?? 1) <= 0.02, "\(Self.describe(outcome, "price:*"))")
        #expect(outcome.value(.namespaceStalenessBoundSeconds, "price:*") == 60)
        #expect((invalidation.namespaces["price:*"]?.counts.refilled ?? 0) > 0, "refill races were seen and left out")
        // Profiles deleted on update are still judged so, under the same pressure.
        #expect(
            invalidation.kind(of: "user:*:profile") == .invalidatedOnWrite,
            "\(Self.describe(outcome, "user:*:profile"))")
        #expect(outcome.value(.namespaceStalenessBoundSeconds, "user:*:profile") == nil)
    }

    @Test(
        "under eviction so heavy that keys rarely live out their TTL, the evidence is uncertain, never wrong",
        arguments: 1...2)
    func extremePressure(seed: UInt64) throws {
        let outcome = Self.run(
            Self.pressure(seed: seed, capacity: 4000, sessionsPerSecond: 30), seconds: 300, seed: seed)
        let invalidation = try #require(outcome.invalidation)
        #expect(outcome.evictions > 20_000, "\(outcome.evictions) evictions")
        #expect(invalidation.kind(of: "price:*") != .invalidatedOnWrite, "\(Self.describe(outcome, "price:*"))")
        #expect(invalidation.kind(of: "user:*:profile") != .ttlOnly, "\(Self.describe(outcome, "user:*:profile"))")
        #expect(outcome.value(.namespaceStalenessBoundSeconds, "user:*:profile") == nil)
        let profile = try #require(invalidation.namespaces["user:*:profile"])
        #expect(profile.uncertain > profile.counts.writerEnds, "said as uncertain: \(profile.counts)")
        #expect(invalidation.verdict(of: "user:*:profile")?.confidence == .low)
    }

    @Test("a namespace that switches from TTL-only to deleting on update shows the change within two TTLs")
    func strategyChange() throws {
        let switchAt = 600.0
        let keyspace = Self.pressure(
            seed: 7, profiles: .switchesToDeleteOnUpdate(at: switchAt, everySeconds: 120))
        let outcome = Self.run(keyspace, seconds: 600 + 2 * 300, seed: 7)
        let verdicts = try #require(outcome.firstVerdicts["user:*:profile"])
        let ttlOnly = try #require(verdicts[.ttlOnly], "TTL-only before the switch: \(verdicts)")
        #expect(ttlOnly < Int(switchAt))
        let onWrite = try #require(verdicts[.invalidatedOnWrite], "\(Self.describe(outcome, "user:*:profile"))")
        #expect(onWrite > Int(switchAt) && onWrite <= Int(switchAt) + 2 * 300, "on write at \(onWrite) s")
        // And it holds: on write for most of the last TTL (under eviction, a deletion can look
        // like an eviction and stay uncertain, so the share may touch its threshold now and then).
        let last = outcome.verdicts["user:*:profile"]?.suffix(300) ?? []
        let onWriteShare = Double(last.filter { $0 == .invalidatedOnWrite }.count) / Double(max(1, last.count))
        #expect(
            onWriteShare >= 0.8,
            "on write for \(onWriteShare) of the last TTL: \(Self.describe(outcome, "user:*:profile"))")
    }
}
