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

    @Test(
        "inhibit rules exported with rules --export alertmanager: a real Alertmanager holds the symptom inhibited by its cause"
    )
    func incidentInhibited() async throws {
        try await withRedisServer { server in
            let rules = try TemporaryFile.containing(
                """
                rules:
                  - name: TrafficBurst
                    metric: ops_per_sec
                    above: 500
                    severity: critical
                    summary: "{{value}} ops/s"
                  - name: BusyNode
                    metric: ops_per_sec
                    above: 400
                    severity: warning
                    summary: "busy: {{value}} ops/s"
                inhibit_rules:
                  - cause: TrafficBurst
                    symptoms: [BusyNode]
                """)
            let export = try await CachewatchBinary.run(["rules", "--export", "alertmanager", "--rules", rules])
            #expect(export.code == 0 && export.stdout.contains("inhibit_rules:"), "\(export.stderr)")
            let alertmanager = try await AlertmanagerProcess(extraConfig: export.stdout)
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.2", "--format", "json", "--no-events", "--alerts-only",
                "--rules", rules, "--alertmanager", alertmanager.url.absoluteString,
            ])
            let admin = try await server.client()
            func alert(_ name: String) async throws -> [String: Any]? {
                try await alertmanager.alerts().first { ($0["labels"] as? [String: String])?["alertname"] == name }
            }
            let both = try await eventually(timeout: .seconds(20)) {
                _ = try await admin.pipeline((0..<3000).map { RESPCommand("GET", "k\($0 % 10)") })
                let cause = try await alert("TrafficBurst")
                let symptom = try await alert("BusyNode")
                return cause != nil && symptom != nil
            }
            #expect(both, "\(watch.standardOutput)\(watch.standardError)")
            let symptom = try #require(try await alert("BusyNode"))
            let cause = try #require(try await alert("TrafficBurst"))
            #expect((symptom["labels"] as? [String: String])?["cause"] == "TrafficBurst")
            let inhibitedBy = (symptom["status"] as? [String: Any])?["inhibitedBy"] as? [String] ?? []
            #expect(!inhibitedBy.isEmpty, "the symptom is inhibited: \(symptom)")
            #expect(((cause["status"] as? [String: Any])?["inhibitedBy"] as? [String] ?? []).isEmpty)
            // The watch line names the cause too.
            #expect(watch.standardOutput.contains("\"alertname\":\"BusyNode\""))
            #expect(watch.standardOutput.contains("\"cause\":\"TrafficBurst{node=127.0.0.1:\(server.port)}\""))
            await watch.terminate()
            await admin.close()
            await alertmanager.stop()
        }
    }
}
