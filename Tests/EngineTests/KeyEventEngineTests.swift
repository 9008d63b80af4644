import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import RESP
import RedisClient
import Synchronization
import Telemetry
import TestSupport
import Testing

/// Keyspace events through the engine: a node's evictions named per namespace, live.
@Suite("Keyspace events in the engine", .serialized)
struct KeyEventEngineTests {
    @Test("sessions evicted under allkeys-lru fire CriticalKeysEvicted naming session:* within two polls")
    func criticalKeysEvicted() async throws {
        try await withRedisServer([
            "--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru", "--notify-keyspace-events", "Exe",
        ]) { server in
            let admin = try await server.client()
            let interval = 0.5
            let configuration = FleetConfiguration(
                interval: .milliseconds(Int64(interval * 1000)), sampling: KeySamplerConfiguration(keysPerSecond: 200),
                fixedSampleRate: true, clusterMode: .off, keyEvents: true)
            let record = Locked<(events: [AlertEvent], notices: [String], sessionRates: [Double], counting: Bool)>(
                ([], [], [], false))
            try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) {
                engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var state = engine.makeState(rules: DefaultRules.rules)
                        for await batch in engine.events {
                            let outcome = state.apply(batch, now: Date())
                            let node = server.endpoint.description
                            let rates = state.store[node]?.instances(.namespaceEvictedPerSec)
                            record.withLock {
                                $0.events += outcome.alertEvents
                                $0.notices += outcome.notices
                                if let rate = rates?["session:*"] { $0.sessionRates.append(rate) }
                                $0.counting = $0.counting || rates != nil
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    #expect(
                        try await eventually {
                            record.withLock { $0.notices.contains { $0.contains("counting evicted, expired") } }
                        }, "\(record.withLock { $0.notices })")
                    // The interval in which the subscription started is a gap: evict in whole ones.
                    #expect(try await eventually { record.withLock { $0.counting } })
                    // Sessions first, then filler writes: evictions start once memory is full.
                    let evictionsStart = Date()
                    for chunk in 0..<40 {
                        _ = try await admin.pipeline(
                            (0..<500).map { index -> RESPCommand in
                                let id = chunk * 500 + index
                                return id % 4 == 0
                                    ? RESPCommand("SET", "session:\(id)", String(repeating: "s", count: 200))
                                    : RESPCommand("SET", "filler:\(id)", String(repeating: "f", count: 400))
                            })
                    }
                    let fired = try await eventually(timeout: .seconds(10)) {
                        record.withLock {
                            $0.events.contains {
                                $0.kind == .firing
                                    && $0.alert.identity
                                        == "CriticalKeysEvicted{namespace=session:*,node=\(server.endpoint)}"
                            }
                        }
                    }
                    #expect(fired, "\(record.withLock { $0.events.map(\.alert.identity) })")
                    let alert = record.withLock { $0.events.first { $0.alert.name == "CriticalKeysEvicted" } }
                    if let alert {
                        #expect(
                            alert.time.timeIntervalSince(evictionsStart) <= 3 * interval + 1, "fired at \(alert.time)")
                        #expect(alert.alert.summary.contains("session:* keys are being evicted"))
                    }
                    #expect(!record.withLock { $0.events }.contains { $0.alert.labels["namespace"] == "filler:*" })
                }
            }
            await admin.close()
        }
    }

    @Test("keys gone under key-life tracking: our PTTLs miss them, and those keymiss events are not the namespace's")
    func ownMissesLeftOut() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Exegm"]) { server in
            let admin = try await server.client()
            let ghosts = (0..<20).map { "ghost:\($0)" }
            _ = try await admin.pipeline(ghosts.map { RESPCommand("SET", $0, "v", "EX", "60") })
            let configuration = FleetConfiguration(
                interval: .milliseconds(500), sampling: KeySamplerConfiguration(keysPerSecond: 100),
                fixedSampleRate: true, clusterMode: .off, keyEvents: true, keyLifeChecksPerSecond: 20)
            let node = server.endpoint.description
            let seen = Locked<
                (ghostMisses: Double, appMisses: Double, ghostEnds: Double, sampled: Bool, polls: Int, counting: Bool)
            >((0, 0, 0, false, 0, false))
            try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) {
                engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var state = engine.makeState()
                        for await batch in engine.events {
                            _ = state.apply(batch, now: Date())
                            let misses = state.store[node]?.instances(.namespaceMissesPerSec) ?? [:]
                            let ends = state.node(node)?.invalidation?.namespaces["ghost:*"]?.trackedEnds.total ?? 0
                            let sampled = state.sampling(of: node)?.model.namespaces["ghost:*"] != nil
                            seen.withLock {
                                $0.ghostMisses += misses["ghost:*"] ?? 0
                                $0.appMisses += misses["other:*"] ?? 0
                                $0.ghostEnds = ends
                                $0.sampled = $0.sampled || sampled
                                $0.polls = state.store[node]?.count ?? 0
                                $0.counting =
                                    $0.counting || state.store[node]?.instances(.namespaceDeletedPerSec) != nil
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    // Sampled (and so tracked), and events counted in whole intervals.
                    #expect(try await eventually(timeout: .seconds(10)) { seen.withLock { $0.sampled && $0.counting } })
                    // Deleted: the tracker's first probes (2 s after the keys were offered) find them gone.
                    _ = try await admin.pipeline(ghosts.map { RESPCommand("DEL", $0) })
                    // The application's own misses, counted as always.
                    _ = try await admin.pipeline((0..<20).map { RESPCommand("GET", "other:\($0)") })
                    let found = try await eventually(timeout: .seconds(15)) {
                        seen.withLock { $0.ghostEnds >= 10 && $0.appMisses > 0 }
                    }
                    #expect(found, "\(seen.withLock { $0 })")
                    // Two more polls: the last events' tally is in.
                    let polls = seen.withLock { $0.polls }
                    #expect(try await eventually { seen.withLock { $0.polls } >= polls + 2 })
                }
            }
            #expect(
                seen.withLock { $0.ghostMisses } == 0, "our PTTLs' misses counted as ghost:*'s: \(seen.withLock { $0 })"
            )
            await admin.close()
        }
    }

    /// What a run of the engine saw: every tally's events, the node's lost-event figures, and
    /// the longest wait between two batches.
    private struct FloodRecord {
        var received: [KeyEventKind: Int] = [:]
        /// The newest tally's count of everything received (partial intervals included).
        var cumulative: [KeyEventKind: Int] = [:]
        var dropped: [Double] = []
        /// events_dropped_per_sec × each tick's interval, summed: the events the metric says were lost.
        var droppedIntegral = 0.0
        var lostTotal = 0.0
        var longestWait: Duration = .zero
        var subscriptions = 0
        var interruptions: [String] = []
    }

    /// Runs the engine on `server` with events on, recording into `record`, around `body`.
    private func withEventEngine(
        _ server: RedisServer, interval: Double, record: Locked<FloodRecord>, _ body: () async throws -> Void
    ) async throws {
        let configuration = FleetConfiguration(
            interval: .milliseconds(Int64(interval * 1000)), sampling: KeySamplerConfiguration(keysPerSecond: 50),
            fixedSampleRate: true, clusterMode: .off, keyEvents: true)
        try await MonitoringEngine.run(targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration) {
            engine in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var state = engine.makeState()
                    let clock = ContinuousClock()
                    var last = clock.now
                    for await batch in engine.events {
                        let now = clock.now
                        let outcome = state.apply(batch, now: Date())
                        let node = server.endpoint.description
                        record.withLock { record in
                            if record.subscriptions > 0 { record.longestWait = max(record.longestWait, now - last) }
                            for case .keyEvents(_, let tally) in batch {
                                for kinds in tally.counts.values { record.received.merge(kinds, uniquingKeysWith: +) }
                                record.lostTotal += Double(tally.lost ?? 0)
                                record.cumulative = tally.received
                            }
                            for case .keyEventState(_, .subscribed) in batch { record.subscriptions += 1 }
                            for case .keyEventState(_, .interrupted(let reason)) in batch {
                                record.interruptions.append(reason)
                            }
                            if !outcome.samples.isEmpty, let metrics = state.store[node],
                                let dropped = metrics.latest(.eventsDroppedPerSec)
                            {
                                record.dropped.append(dropped)
                                let times = metrics.times.suffix(2)
                                if times.count == 2 { record.droppedIntegral += dropped * (times.last! - times.first!) }
                            }
                        }
                        last = now
                    }
                }
                defer { group.cancelAll() }
                #expect(try await eventually { record.withLock { $0.subscriptions > 0 } })
                try await body()
            }
        }
    }

    private func statsField(_ connection: RedisConnection, _ field: String) async throws -> Int {
        let info = try await connection.send(RESPCommand("INFO", "stats")).stringValue ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix(field + ":") }
        return Int(line?.split(separator: ":").last ?? "") ?? -1
    }

    private func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// A mass expiry: 200,000 keys set to expire in the same second. Every event is received
    /// (none lost, none dropped), the engine keeps delivering batches on time, and memory stays
    /// bounded — nothing is kept per event.
    @Test("200,000 keys expiring in the same second: all counted, none lost, batches on time, memory bounded")
    func massExpiry() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Exe"]) { server in
            let admin = try await server.client()
            let record = Locked(FloodRecord())
            let interval = 0.5
            try await withEventEngine(server, interval: interval, record: record) {
                let expiredBefore = try await statsField(admin, "expired_keys")
                let rssBefore = residentBytes()
                for chunk in 0..<20 {
                    _ = try await admin.pipeline(
                        (0..<10_000).map { RESPCommand("SET", "flood:\(chunk * 10_000 + $0)", "v") })
                }
                // The deadline is set on the server in one script (~0.1 s), however long the
                // writes took: a key given a deadline already past is deleted at once, and not
                // every server counts that as an expiry (Valkey 8.1 does not).
                let at = Int((Date().timeIntervalSince1970 + 2).rounded(.up) * 1000)
                let script = "for i = 0, 199999 do redis.call('PEXPIREAT', 'flood:' .. i, ARGV[1]) end return 1"
                _ = try await admin.send(RESPCommand("EVAL", script, "0", String(at)))
                #expect(try await admin.send(RESPCommand("PTTL", "flood:199999")).intValue ?? -1 > 0)
                let expiredAll = try await eventually(timeout: .seconds(60)) {
                    try await statsField(admin, "expired_keys") - expiredBefore >= 200_000
                }
                #expect(expiredAll)
                let serverExpired = try await statsField(admin, "expired_keys") - expiredBefore
                // None lost: every event arrives, however long a loaded machine takes to decode
                // them (a debug build beside other servers' tests: 15,000 a second) — waited for
                // while they keep coming, up to a minute; lost ones would stop coming.
                let received = try await count(reaching: serverExpired) {
                    record.withLock { $0.received[.expired] ?? 0 }
                }
                let receivedAll = received >= serverExpired
                #expect(receivedAll, "received \(record.withLock { $0.received }), server \(serverExpired)")
                let rssGrowth = residentBytes() - rssBefore
                #expect(rssGrowth < 64 << 20, "RSS grew by \(rssGrowth) bytes")
            }
            let seen = record.withLock { $0 }
            #expect(!seen.dropped.isEmpty && seen.dropped.allSatisfy { $0 == 0 }, "\(seen.dropped)")
            #expect(seen.subscriptions == 1, "\(seen.interruptions)")
            #expect(seen.longestWait < .seconds(interval * 4), "longest wait between batches: \(seen.longestWait)")
            await admin.close()
        }
    }

    /// Events really lost: the server cuts a subscriber whose output buffer passes 64 KB
    /// (`client-output-buffer-limit pubsub`) during a mass eviction; what never arrived shows as
    /// `events_dropped_per_sec`, and adds up to the server's count less the events received.
    @Test("a subscriber cut by the server: the lost evictions show as events_dropped_per_sec")
    func lostEvents() async throws {
        try await withRedisServer([
            "--notify-keyspace-events", "Exe", "--maxmemory-policy", "allkeys-random",
            // Separate words: Redis 6.2 reads the class and limits as arguments of their own.
            "--client-output-buffer-limit", "pubsub", "64kb", "32kb", "1",
        ]) { server in
            let admin = try await server.client()
            let record = Locked(FloodRecord())
            try await withEventEngine(server, interval: 0.5, record: record) {
                for chunk in 0..<15 {
                    _ = try await admin.pipeline(
                        (0..<10_000).map {
                            RESPCommand("SET", "victim:\(chunk * 10_000 + $0)", String(repeating: "v", count: 64))
                        })
                }
                let evictedBefore = try await statsField(admin, "evicted_keys")
                _ = try await admin.send(RESPCommand("CONFIG", "SET", "maxmemory", "2mb"))
                // Writes make the server evict until it is under the limit.
                let evicted = try await eventually(timeout: .seconds(30)) {
                    _ = try? await admin.send(RESPCommand("SET", "trigger", "x"))
                    return try await statsField(admin, "evicted_keys") - evictedBefore >= 100_000
                }
                #expect(evicted)
                #expect(try await eventually(timeout: .seconds(15)) { record.withLock { $0.subscriptions } >= 2 })
                // Once the evictions are over and the subscription holds, what was lost plus what
                // was received is exactly what the server evicted.
                var serverEvicted = 0
                let adds = try await eventually(timeout: .seconds(20)) {
                    serverEvicted = try await statsField(admin, "evicted_keys") - evictedBefore
                    let seen = record.withLock { $0 }
                    return seen.lostTotal + Double(seen.cumulative[.evicted] ?? 0) == Double(serverEvicted)
                }
                let seen = record.withLock { $0 }
                #expect(adds, "lost \(seen.lostTotal) + received \(seen.cumulative) vs evicted \(serverEvicted)")
                #expect(seen.lostTotal > 1000, "the server should have cut the subscriber: received \(seen.cumulative)")
                // The metric says as much: its rate over each tick's interval adds up to the loss.
                let integrated = try await eventually(timeout: .seconds(5)) {
                    let seen = record.withLock { $0 }
                    return abs(seen.droppedIntegral - seen.lostTotal) <= seen.lostTotal * 0.01 + 1
                }
                #expect(
                    integrated, "metric × interval \(record.withLock { $0.droppedIntegral }) vs lost \(seen.lostTotal)")
            }
            await admin.close()
        }
    }
}
