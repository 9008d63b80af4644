import Alerts
import Engine
import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing
import Workload

/// The built-in rules against real `redis-server`s under the `Workload`'s traffic: each
/// unhealthy pattern fires its alert, a healthy cache fires nothing. The same scenarios in
/// virtual time — longer, over several seeds, in milliseconds — are EngineTests' ScenarioTests.
@Suite("Alert scenarios on real servers")
struct AlertScenarioTests {
    private static let interval = 0.5

    /// The stampede scenario: a small, hot `price:*` family expiring all at once every
    /// `period` seconds in front of a warm cache (no memory pressure, no big keys).
    private static func stampedeWorkload(period: Int) -> WorkloadConfiguration {
        WorkloadConfiguration(
            readsPerSecond: 2000, keyCount: 500, userCount: 500, sessionCount: 200, hotKeys: 300, hotWeight: 60,
            synchronizedExpiry: true, stampedePeriod: period, bigKeys: false, memoryPressure: false, prewarmed: true)
    }

    /// Waits until the workload has warmed the cache: fewer than `missesPerSecond` misses in
    /// each of two consecutive seconds (cachewatch, like any monitor, starts on a warm cache).
    private static func waitForWarmCache(_ server: RedisServer, missesPerSecond: Int64) async throws {
        let admin = try await server.client()
        func misses() async throws -> Int64 {
            let text = try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? ""
            return InfoSnapshot(parsing: text).stats.keyspaceMisses ?? 0
        }
        var calm = 0
        var previous = try await misses()
        let deadline = ContinuousClock.now + .seconds(45)
        while calm < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(1))
            let current = try await misses()
            calm = current - previous < missesPerSecond ? calm + 1 : 0
            previous = current
        }
        await admin.close()
        #expect(calm >= 2, "the workload did not warm the cache within 45 s")
    }

    private static func identities(_ events: [AlertEvent], _ kind: AlertEvent.Kind) -> [String] {
        events.filter { $0.kind == kind }.map(\.alert.identity)
    }

    @Test(
        "a stampede fires StampedeNow within two polls of the wave; a batch without jitter fires ExpiryWave, NoTTLJitter pending, before it expires; memory pressure makes EvictionsActive pending"
    )
    func unhealthyPatterns() async throws {
        let period = 15
        async let stampede: Void = stampedeAndBatch(period: period)
        async let evictions: Void = evictionsUnderPressure()
        _ = try await (stampede, evictions)
    }

    private func stampedeAndBatch(period: Int) async throws {
        // Keyspace events on (expirations and misses): StampedeNow names the namespace.
        try await withRedisServer(["--notify-keyspace-events", "Exm"]) { server in
            let workload = Task {
                await CacheAsideWorkload(
                    endpoint: server.endpoint, configuration: Self.stampedeWorkload(period: period)
                )
                .run()
            }
            try await Self.waitForWarmCache(server, missesPerSecond: 60)

            let interval = Duration.milliseconds(Int64(Self.interval * 1000))
            let jitterIdentity = "NoTTLJitter{namespace=coupon:*,node=\(server.endpoint)}"
            let (fired, events, jitterValue, jitterSeen, trace, wave, couponsExpire) = try await withEngine(
                watching: server.endpoint, interval: interval, keysPerSecond: 2000, keyEvents: true
            ) { watcher in
                // A nightly job warms 5,000 coupons in one go, all with the same 10-minute TTL.
                let admin = try await server.client()
                let coupons = (0..<5000).map { RESPCommand("SET", "coupon:\($0)", "c", "EX", "600") }
                _ = try await admin.pipeline(coupons)
                let couponsExpire = Date().addingTimeInterval(600)

                // The first wave after the baseline is built (10 s of polls, then one more) and a margin.
                let baseline = Int(10 / Self.interval) + 1
                #expect(try await eventually(timeout: .seconds(30)) { watcher.polls >= baseline }, "no baseline")
                let ready = Date().addingTimeInterval(2).timeIntervalSince1970
                let wave = Date(timeIntervalSince1970: (ready / Double(period)).rounded(.up) * Double(period))
                // NoTTLJitter's condition holds on the coupons (pending: its minute's hold is time,
                // checked in virtual time by AlertsTests' KeyspaceRuleTests).
                let fired = try await eventually(timeout: .seconds(90)) {
                    let stampede = watcher.events.contains { $0.kind == .firing && $0.alert.name == "StampedeNow" }
                    let jitter = watcher.pending.contains { $0.identity == jitterIdentity }
                    return (stampede && jitter) || Date() > wave.addingTimeInterval(Double(period) * 2 + 5)
                }
                let jitterValue = watcher.pending.first { $0.identity == jitterIdentity }?.value
                let jitterSeen = Date()
                await admin.close()
                let from = wave.addingTimeInterval(-3)
                var trace = ""
                for metric in [Metric.missesPerSec, .missSpikeRatio, .expirySpikeRatio, .hitRatioDrop] {
                    trace +=
                        "\n\(metric.name) from 3 s before the wave: \(watcher.trace(metric, from: from).prefix(400))"
                }
                return (fired, watcher.events, jitterValue, jitterSeen, trace, wave, couponsExpire)
            }
            workload.cancel()
            _ = await workload.value
            #expect(fired)

            let node = server.endpoint.description
            let firing = events.filter { $0.kind == .firing }
            // StampedeNow: fired within two polls of a wave (a poll stamped just before the boundary
            // may already see it), and no later than that of the first wave after the warm-up.
            let stampedes = firing.filter { $0.alert.name == "StampedeNow" }
            let first = try #require(
                stampedes.first, "StampedeNow never fired: \(Self.identities(events, .firing))\(trace)")
            let seconds = first.time.timeIntervalSince1970 + 0.1
            let delay = seconds - (seconds / Double(period)).rounded(.down) * Double(period) - 0.1
            #expect(delay <= 2 * Self.interval + 0.1, "StampedeNow fired \(delay) s after a wave\(trace)")
            #expect(
                first.time <= wave.addingTimeInterval(2 * Self.interval + 0.1), "not at the wave of \(wave)\(trace)")
            #expect(first.alert.value > 4, "misses at \(first.alert.value)x their baseline")
            // The namespace that stampedes is named (price:*, expiring all at once), the others not.
            #expect(first.alert.summary.contains("stampeding namespaces: price:* "), "\(first.alert.summary)")
            #expect(!first.alert.summary.contains("product:*"), "\(first.alert.summary)")
            // ExpiryWave and NoTTLJitter name the coupons, ten minutes before they expire.
            let wave5000 = try #require(
                firing.first { $0.alert.identity == "ExpiryWave{namespace=coupon:*,node=\(node)}" },
                "\(Self.identities(events, .firing))")
            #expect(wave5000.alert.value >= 4000, "~5,000 coupons expire in the same second")
            #expect(wave5000.time < couponsExpire)
            let jitter = try #require(jitterValue, "NoTTLJitter never pending on coupon:*")
            #expect(jitterSeen < couponsExpire && jitter < 0.01, "jitter \(jitter)")
            // The healthy families are not named.
            for healthy in ["product:*", "user:*:profile"] {
                #expect(!firing.contains { $0.alert.labels["namespace"] == healthy }, "\(healthy) fired")
            }
        }
    }

    private func evictionsUnderPressure() async throws {
        try await withRedisServer(["--maxmemory", "16mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            let configuration = WorkloadConfiguration(
                readsPerSecond: 1000, keyCount: 2000, userCount: 1000, sessionCount: 200, synchronizedExpiry: false,
                bigKeys: false, memoryPressure: true)
            let workload = Task {
                await CacheAsideWorkload(endpoint: server.endpoint, configuration: configuration).run()
            }
            // EvictionsActive's condition holds on the real counter: the alert is pending. Its
            // minute's hold and firing after it are time, checked in virtual time by EngineTests'
            // ScenarioTests ("an eviction storm…").
            let (pending, evicted, events) = try await withEngine(
                watching: server.endpoint, interval: .seconds(1), keysPerSecond: 500
            ) { watcher in
                let pending = try await eventually(timeout: .seconds(40)) {
                    watcher.pending.contains { $0.name == "EvictionsActive" }
                }
                return (pending, watcher.latest(.evictedPerSec), watcher.events)
            }
            workload.cancel()
            _ = await workload.value
            #expect(pending, "EvictionsActive is not pending; evicted/s \(evicted ?? -1)")
            #expect((evicted ?? 0) > 0, "evicted/s \(evicted ?? -1)")
            #expect(!events.contains { $0.alert.name == "StampedeNow" }, "steady evictions are no stampede")
        }
    }

    @Test("a steady, healthy cache under load for 20 s fires nothing, nothing pending")
    func healthy() async throws {
        try await withRedisServer(["--maxmemory", "256mb", "--maxmemory-policy", "volatile-lru"]) { server in
            let configuration = WorkloadConfiguration(
                readsPerSecond: 1000, keyCount: 2000, userCount: 2000, sessionCount: 1000, synchronizedExpiry: false,
                bigKeys: false, memoryPressure: false, prewarmed: true)
            let workload = Task {
                await CacheAsideWorkload(endpoint: server.endpoint, configuration: configuration).run()
            }
            // Watched once warm, as a monitor is: 20 s of real traffic, nothing fired and nothing
            // pending at the end; the long runs (five minutes, several seeds, every tick's
            // pending state) are EngineTests' ScenarioTests, in virtual time.
            try await Self.waitForWarmCache(server, missesPerSecond: 100)
            let (hitRatios, polls, events, failures, pending, pings) = try await withEngine(
                watching: server.endpoint, interval: .seconds(1), keysPerSecond: 200
            ) { watcher in
                let clock = ContinuousClock()
                let end = clock.now + .seconds(20)
                // Looked at once a second (the duration under test, not a synchronisation), so a
                // firing alert is reported with what the server looked like.
                var hitRatios: [Double] = []
                while clock.now < end {
                    try await clock.sleep(for: .seconds(1))
                    if let ratio = watcher.latest(.hitRatio) { hitRatios.append(ratio) }
                    if !watcher.events.isEmpty { break }
                }
                let start = Date(timeIntervalSinceNow: -20)
                return (
                    hitRatios, watcher.polls, watcher.events, watcher.failures, watcher.pending.map(\.identity),
                    watcher.trace(.pingMs, from: start)
                )
            }
            workload.cancel()
            let totals = await workload.value
            #expect(events.isEmpty, "\(events.map { "\($0.kind) \($0.alert.identity): \($0.alert.summary)" })")
            #expect(failures.isEmpty)
            #expect(polls >= 17, "\(polls) polls in 20 s")
            #expect(totals.reads > 12_000, "the workload ran: \(totals.reads) reads")
            #expect((hitRatios.last ?? 0) > 0.9, "a healthy hit ratio: \(hitRatios.suffix(5))")
            // Nothing about to fire either — but LatencyHigh's pending: PING p99 over its window is
            // the slowest round trip, and in this one debug process sharing two cores with the
            // workload a single 10 ms hiccup happens in about one run of two (it never holds a
            // minute, which firing needs: that is checked above, and the rule's logic in virtual
            // time by EngineTests' ScenarioTests).
            let pendingOtherThanLatency = pending.filter { !$0.hasPrefix("LatencyHigh{") }
            #expect(pendingOtherThanLatency.isEmpty, "nothing about to fire either: \(pending); PING ms: \(pings)")
        }
    }
}
