import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

/// How keys end, through the engine, on a real server under a shop's workload: `price:*` written
/// with one TTL and never invalidated (read through the cache by racing readers, its cold tail
/// evicted), `user:*:profile` deleted on update (5/s) and
/// refilled by the next read, `session:*` written and never read, evicted under memory pressure
/// (`maxmemory` with `allkeys-lru`). Once with no server configuration at all (tracked keys
/// only), once with keyspace events published (`Exeg`).
@Suite("Key lives in the engine", .serialized)
struct KeyLifeEngineTests {
    private static let ttl = 30

    /// What the engine said of the three namespaces, newest first.
    private struct Seen: Sendable, CustomStringConvertible {
        var verdicts: [String: NamespaceInvalidation.Kind] = [:]
        var ends: [String: NamespaceInvalidation.Ends] = [:]
        var bound: Double?
        var firing: [String] = []
        var notices: [String] = []
        var description: String {
            "notices \(notices), verdicts \(verdicts), bound \(String(describing: bound)), firing \(firing), ends "
                + ends.map { "\($0.key): \($0.value.counts) from \($0.value.source)" }.sorted().joined(separator: "; ")
        }
    }

    /// The application, every 100 ms: 60 price reads over 600 ids, most on the first ones (the
    /// tail goes cold and is evicted), each miss loaded by two readers racing — each writes the
    /// price back with the same TTL after its own load of 0.05–1.5 s, the second overwriting the
    /// first; 20 profile reads refilling what is missing, a profile deleted every other tick; 20
    /// sessions of 2 KB never read again (400 KB/s: the 6 MB limit holds a few seconds).
    private static func shop(_ server: RedisServer) async throws {
        let client = try await server.client()
        let ttl = String(Self.ttl)
        _ = try await client.pipeline((0..<200).map { RESPCommand("SET", "user:\($0):profile", "p", "EX", ttl) })
        let session = String(repeating: "s", count: 2 * 1024)
        var loads: [(due: ContinuousClock.Instant, key: String)] = []
        let clock = ContinuousClock()
        var tick = 0
        while !Task.isCancelled {
            let prices = (0..<60).map { _ in "price:\(Int(pow(Double.random(in: 0..<1), 2) * 600))" }
            var commands = prices.map { RESPCommand("GET", $0) }
            let users = (0..<20).map { _ in Int.random(in: 0..<200) }
            commands += users.map { RESPCommand("GET", "user:\($0):profile") }
            if tick.isMultiple(of: 2) { commands.append(RESPCommand("DEL", "user:\(Int.random(in: 0..<200)):profile")) }
            commands += (0..<20).map { _ in RESPCommand("SET", "session:\(UUID().uuidString)", session, "EX", ttl) }
            // Loads that finished: written back, whether another reader's write came first.
            let now = clock.now
            commands += loads.filter { $0.due <= now }.map { RESPCommand("SET", $0.key, "9.99", "EX", ttl) }
            loads.removeAll { $0.due <= now }
            let replies = try await client.pipeline(commands)
            for (key, reply) in zip(prices, replies[0..<60]) where reply.value.isNull {
                for _ in 0..<2 { loads.append((now + .milliseconds(Int.random(in: 50...1500)), key)) }
            }
            // Cache-aside: a profile read that missed is loaded and written back.
            let refills = zip(users, replies[60..<80]).filter { $0.1.value.isNull }.map {
                RESPCommand("SET", "user:\($0.0):profile", "p", "EX", ttl)
            }
            if !refills.isEmpty { _ = try await client.pipeline(refills) }
            tick += 1
            try await Task.sleep(for: .milliseconds(100))
        }
        await client.close()
    }

    /// Runs the shop against a server limited to 6 MB with the first of `events` it accepts as
    /// its keyspace-event setting until `done` holds of what the engine says (or two TTLs pass);
    /// returns the last of it, the time it took and the setting.
    private func watch(
        events: [String] = [], until done: @escaping @Sendable (Seen) -> Bool
    ) async throws -> (Seen, Double, String) {
        try await withRedisServer(["--maxmemory", "6mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            var applied = ""
            if !events.isEmpty {
                let admin = try await server.client()
                for setting in events {
                    let reply = try await admin.pipeline([
                        RESPCommand("CONFIG", "SET", "notify-keyspace-events", setting)
                    ])
                    if case .success = reply[0].result {
                        applied = setting
                        break
                    }
                }
                await admin.close()
                try #require(!applied.isEmpty, "no keyspace-event setting accepted of \(events)")
            }
            let workload = Task { try await Self.shop(server) }
            defer { workload.cancel() }
            let rules = try RuleFile.parse(
                """
                rules:
                  - name: StaleRisk
                    metric: namespace_staleness_bound_seconds
                    above: 20
                    namespaces: ["*price*", "*balance*", "*stock*", "*setting*", "*flag*"]
                    severity: warning
                    summary: "{{namespace}} may be {{value}} s stale"
                """, source: "test")
            let configuration = FleetConfiguration(
                interval: .milliseconds(500), sampling: KeySamplerConfiguration(keysPerSecond: 100),
                fixedSampleRate: true, clusterMode: .off, keyEvents: !applied.isEmpty, keyLifeChecksPerSecond: 20)
            let node = server.endpoint.description
            let seen = Locked(Seen())
            let start = Date()
            return try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) { engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var state = engine.makeState(rules: rules)
                        for await batch in engine.events {
                            let outcome = state.apply(batch, now: Date())
                            let invalidation = state.node(node)?.invalidation
                            let firing = outcome.alertEvents.filter { $0.kind == .firing }.map(\.alert.identity)
                            seen.withLock {
                                for name in ["price:*", "user:*:profile", "session:*"] {
                                    $0.verdicts[name] = invalidation?.kind(of: name) ?? .unknown
                                    $0.ends[name] = invalidation?.namespaces[name]
                                }
                                $0.bound = invalidation?.stalenessBound(of: "price:*")
                                $0.firing += firing
                                $0.notices += outcome.notices
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    _ = try await eventually(timeout: .seconds(Double(Self.ttl) * 2 + 10)) {
                        done(seen.withLock { $0 })
                    }
                    return (seen.withLock { $0 }, Date().timeIntervalSince(start), applied)
                }
            }
        }
    }

    @Test(
        "no server configuration: price:* TTL-only with its TTL as the bound, user:*:profile invalidated on write, within one TTL, while sessions are evicted; StaleRisk names price:* only",
        // PTTL and the eviction counter read alike on every server; the events variant below is
        // the one that depends on the server.
        .sameOnEveryServer
    )
    func trackedKeysOnly() async throws {
        let (seen, elapsed, _) = try await watch {
            $0.verdicts["price:*"] == .ttlOnly && $0.verdicts["user:*:profile"] == .invalidatedOnWrite
                && !$0.firing.isEmpty
        }
        #expect(seen.verdicts["price:*"] == .ttlOnly, "\(seen)")
        #expect(seen.verdicts["user:*:profile"] == .invalidatedOnWrite, "\(seen)")
        // Within about one TTL of the first sample (checks come 5 % after expiry).
        #expect(elapsed < Double(Self.ttl) * 1.5 + 10, "\(elapsed) s")
        #expect(seen.bound == Double(Self.ttl), "\(seen)")
        #expect(seen.firing.allSatisfy { $0.hasPrefix("StaleRisk{namespace=price:*,") }, "\(seen)")
        #expect(!seen.firing.isEmpty, "\(seen)")
        #expect(seen.ends["price:*"]?.source == .trackedKeys)
        // Evicted and refilled by racing readers, never invalidated: the writer's share stays nil.
        let price = try #require(seen.ends["price:*"], "\(seen)")
        #expect(price.invalidatedShare <= 0.02, "\(price.eventEnds) \(seen)")
        // Sessions removed early while the node evicts — the LRU's first victims, never read — are
        // weighed against the evictions their propensity explains: uncertain, not the writer's.
        let sessions = try #require(seen.ends["session:*"], "\(seen)").trackedEnds
        #expect(sessions.uncertain > 0 && sessions.deleted <= 0.1 * (sessions.uncertain + sessions.deleted), "\(seen)")
        #expect(seen.verdicts["session:*"] != .invalidatedOnWrite, "\(seen)")
    }

    @Test(
        "keyspace events on: every end counted — price:* expires, user:*:profile is deleted, session:* evicted; StaleRisk names price:* only; where overwrites are published (Redis 8.2+), the readers' racing refills are no invalidation"
    )
    func keyspaceEvents() async throws {
        // Overwrites (o) and misses (m) where the server has them: a refill race is an overwrite
        // soon after its key's miss.
        let (seen, _, applied) = try await watch(events: ["Exegmo", "Exeg"]) {
            $0.verdicts["price:*"] == .ttlOnly && $0.verdicts["user:*:profile"] == .invalidatedOnWrite
                && ($0.ends["session:*"]?.total ?? 0) >= 100 && !$0.firing.isEmpty
        }
        let price = try #require(seen.ends["price:*"], "\(seen)")
        let profile = try #require(seen.ends["user:*:profile"], "\(seen)")
        let sessions = try #require(seen.ends["session:*"], "\(seen)")
        #expect(
            [price.source, profile.source, sessions.source] == Array(repeating: .keyspaceEvents, count: 3), "\(seen)")
        #expect(seen.verdicts["price:*"] == .ttlOnly && seen.bound == Double(Self.ttl), "\(seen)")
        #expect(price.eventEnds.deleted == 0 && price.eventEnds.expired >= 5, "\(seen)")
        #expect(price.eventEnds.evicted > 0, "its cold tail is evicted: \(seen)")
        #expect(seen.verdicts["user:*:profile"] == .invalidatedOnWrite, "\(seen)")
        #expect(profile.eventEnds.deleted > 0, "\(seen)")
        // Sessions: evicted, essentially all of them (a few may expire).
        #expect(Double(sessions.eventEnds.evicted) / Double(sessions.eventEnds.total) > 0.8, "\(seen)")
        #expect(sessions.eventEnds.deleted == 0, "\(seen)")
        #expect(seen.firing.allSatisfy { $0.hasPrefix("StaleRisk{namespace=price:*,") }, "\(seen)")
        guard applied.contains("o") else { return }
        // Every miss of price:* is loaded by two readers, the second write overwriting the
        // first within 1.5 s: published as overwrites, told apart as refills.
        #expect(price.eventsCountOverwrites, "\(seen)")
        #expect(price.eventEnds.refilled > 0, "\(seen)")
        #expect(price.invalidatedShare <= 0.02, "\(price.eventEnds) \(seen)")
    }
}
