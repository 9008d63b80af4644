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

/// `INFO keysizes` on Redis 8.2 (always that server, whatever `$REDIS_SERVER` says).
@Suite("INFO keysizes on Redis 8.2", .sameOnEveryServer)
struct KeySizesEngineTests {
    @Test("the histogram is parsed from every poll; BigStringWritten fires when a 1 MB string appears")
    func bigStringWritten() async throws {
        let rules = DefaultRules.rules.filter { ["BigStringWritten", "BigCollectionWritten"].contains($0.name) }
        #expect(rules.count == 2)
        try await withRedisServer(binary: try MatrixServers.redis82()) { server in
            let admin = try await server.client()
            defer { admin.closeSoon() }
            _ = try await admin.pipeline(
                (0..<50).map { RESPCommand("SET", "user:\($0)", String(repeating: "u", count: 100)) }
                    + [
                        RESPCommand("RPUSH", "queue:jobs", "a", "b", "c"), RESPCommand("SELECT", "2"),
                        RESPCommand("SET", "other", "x"),
                    ])
            let configuration = FleetConfiguration(interval: .milliseconds(200))
            let state = Locked(EngineState(rules: rules))
            let fired = Locked<[AlertEvent]>([])
            try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) { engine in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await batch in engine.events {
                            let outcome = state.withLock { $0.apply(batch, now: Date()) }
                            fired.withLock { $0 += outcome.alertEvents }
                        }
                    }
                    defer { group.cancelAll() }
                    let node = server.endpoint.description
                    func latest(_ metric: Metric) -> Double? { state.withLock { $0.store[node]?.latest(metric) } }
                    #expect(try await eventually { latest(.largestStringBucketBytes) == 64 })
                    let sizes = try #require(state.withLock { $0.store[node]?.lastInfo?.keySizes })
                    let strings = sizes.histograms.first { $0.database == 0 && $0.kind == .strings }
                    #expect(strings?.buckets.map(\.lowerBound) == [64] && strings?.buckets.first?.keys == 50)
                    #expect(
                        sizes.histograms.contains { $0.database == 0 && $0.kind == .lists && $0.largestBucket == 2 })
                    #expect(sizes.histograms.contains { $0.database == 2 && $0.kind == .strings })
                    #expect(latest(.largestCollectionBucketItems) == 2)
                    // Two more polls, then the big value: the largest bucket becomes 1 MiB.
                    let polls = state.withLock { $0.store[node]?.count ?? 0 }
                    #expect(try await eventually { state.withLock { $0.store[node]?.count ?? 0 } >= polls + 2 })
                    #expect(fired.withLock { $0.isEmpty }, "nothing new yet")
                    _ = try await admin.send(RESPCommand("SELECT", "0"))
                    _ = try await admin.send(
                        RESPCommand("SET", "report:daily", String(repeating: "r", count: 1_100_000)))
                    #expect(try await eventually { latest(.largestStringBucketBytes) == 1_048_576 })
                    #expect(
                        try await eventually {
                            fired.withLock { $0.contains { $0.alert.name == "BigStringWritten" && $0.kind == .firing } }
                        })
                    #expect(!fired.withLock { $0.contains { $0.alert.name == "BigCollectionWritten" } })
                }
            }
        }
    }
}
