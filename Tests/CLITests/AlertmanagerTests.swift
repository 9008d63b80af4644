import Foundation
import RESP
import TestSupport
import Testing

@Suite("Alertmanager", .sameOnEveryServer)
struct AlertmanagerTests {
    @Test("a real Alertmanager receives a firing alert and later its resolution")
    func firingThenResolved() async throws {
        try await withRedisServer { server in
            let alertmanager = try await AlertmanagerProcess()
            let rules = try TemporaryFile.containing(
                """
                rules:
                  - name: TrafficBurst
                    metric: ops_per_sec
                    above: 500
                    severity: warning
                    labels: {team: cache}
                    summary: "{{value}} ops/s"
                """)
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.2", "--format", "json", "--no-events", "--alerts-only",
                "--rules", rules,
                "--alertmanager", alertmanager.url.absoluteString,
            ])
            let admin = try await server.client()
            // Bursts of traffic until Alertmanager holds the alert.
            let received = try await eventually(timeout: .seconds(20)) {
                _ = try await admin.pipeline((0..<3000).map { RESPCommand("GET", "k\($0 % 10)") })
                return try await alertmanager.alerts().contains {
                    ($0["labels"] as? [String: String])?["alertname"] == "TrafficBurst"
                }
            }
            #expect(received, "\(watch.standardOutput)\(watch.standardError)")
            let alert = try #require(try await alertmanager.alerts().first)
            let labels = alert["labels"] as? [String: String] ?? [:]
            #expect(
                labels["node"] == "127.0.0.1:\(server.port)" && labels["team"] == "cache"
                    && labels["severity"] == "warning"
            )
            #expect((alert["annotations"] as? [String: String])?["summary"]?.hasSuffix("ops/s") == true)
            #expect((alert["generatorURL"] as? String)?.hasPrefix("cachewatch://") == true)
            // Quiet again: the alert resolves, and Alertmanager drops it from its active alerts.
            let resolved = try await eventually(timeout: .seconds(20)) { try await alertmanager.alerts().isEmpty }
            #expect(resolved)
            #expect(watch.standardOutput.contains("\"status\":\"resolved\""))
            #expect(watch.standardError.isEmpty, "\(watch.standardError)")
            await watch.terminate()
            await admin.close()
            await alertmanager.stop()
        }
    }
}
