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

/// How keys end, through the engine, with no server configuration at all: `price:*` written with
/// one TTL and never invalidated, `user:*:profile` deleted on update (5/s) and read back.
@Suite("Key lives in the engine", .serialized)
struct KeyLifeEngineTests {
    private static let ttl = 30

    @Test(
        "price:* is TTL-only with its TTL as the bound, user:*:profile invalidated on write, within one TTL; StaleRisk names price:* only"
    )
    func classification() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline(
                (0..<200).map { RESPCommand("SET", "user:\($0):profile", "p", "EX", String(Self.ttl)) })
            let writer = Task {
                // Prices: new ones every 100 ms with one TTL, never touched again. Profiles: one
                // updated every 200 ms — deleted, then read back by the application (re-set).
                let client = try await server.client()
                var tick = 0
                while !Task.isCancelled {
                    _ = try await client.send(RESPCommand("SET", "price:\(tick)", "9.99", "EX", String(Self.ttl)))
                    if tick.isMultiple(of: 2) {
                        let user = Int.random(in: 0..<200)
                        _ = try await client.send(RESPCommand("DEL", "user:\(user):profile"))
                        if Bool.random() {
                            _ = try await client.send(
                                RESPCommand("SET", "user:\(user):profile", "p", "EX", String(Self.ttl)))
                        }
                    }
                    tick += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
                await client.close()
            }
            defer { writer.cancel() }
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
                fixedSampleRate: true, clusterMode: .off, keyLifeChecksPerSecond: 20)
            let node = server.endpoint.description
            let seen = Locked<(verdicts: [String: NamespaceInvalidation.Kind], bound: Double?, firing: [String])>(
                ([:], nil, []))
            let start = Date()
            try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) {
                engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var state = engine.makeState(rules: rules)
                        for await batch in engine.events {
                            let outcome = state.apply(batch, now: Date())
                            let invalidation = state.invalidations[node]
                            let firing = outcome.alertEvents.filter { $0.kind == .firing }.map(\.alert.identity)
                            seen.withLock {
                                for name in ["price:*", "user:*:profile"] {
                                    $0.verdicts[name] = invalidation?.kind(of: name) ?? .unknown
                                }
                                $0.bound = invalidation?.stalenessBound(of: "price:*")
                                $0.firing += firing
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    let classified = try await eventually(timeout: .seconds(Double(Self.ttl) * 2 + 10)) {
                        seen.withLock {
                            $0.verdicts["price:*"] == .ttlOnly && $0.verdicts["user:*:profile"] == .invalidatedOnWrite
                                && !$0.firing.isEmpty
                        }
                    }
                    let result = seen.withLock { $0 }
                    #expect(classified, "\(result)")
                    // Within about one TTL of the first sample (checks come 5 % after expiry).
                    #expect(Date().timeIntervalSince(start) < Double(Self.ttl) * 1.5 + 10)
                    #expect(result.bound == Double(Self.ttl))
                    #expect(result.firing == ["StaleRisk{namespace=price:*,node=\(node)}"], "\(result.firing)")
                }
            }
            await admin.close()
        }
    }
}
