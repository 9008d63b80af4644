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
            let record = Locked<(events: [AlertEvent], notices: [String], sessionRates: [Double])>(([], [], []))
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
                            let rate = state.store[node]?.instances(.namespaceEvictedPerSec)?["session:*"]
                            record.withLock {
                                $0.events += outcome.alertEvents
                                $0.notices += outcome.notices
                                if let rate { $0.sessionRates.append(rate) }
                            }
                        }
                    }
                    defer { group.cancelAll() }
                    #expect(
                        try await eventually {
                            record.withLock { $0.notices.contains { $0.contains("counting evicted, expired") } }
                        }, "\(record.withLock { $0.notices })")
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
}
