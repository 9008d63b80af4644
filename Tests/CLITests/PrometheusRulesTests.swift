import Foundation
import RESP
import TestSupport
import Testing
import Workload

/// `cachewatch rules --export prometheus`, checked by promtool and evaluated by a real Prometheus.
@Suite("rules exported to Prometheus", .sameOnEveryServer)
struct PrometheusRulesTests {
    @Test("the built-in rules export to a file promtool accepts, every rule with its for, labels and summary")
    func builtIn() async throws {
        let exported = try await CachewatchBinary.run(["rules", "--export", "prometheus"])
        #expect(exported.code == 0, "\(exported.stderr)")
        let path = try TemporaryFile.containing(exported.stdout)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = try ChildProcess(executable: "/usr/bin/promtool", arguments: ["check", "rules", path])
        #expect(
            try await check.waitForExit(timeout: .seconds(30)) == 0, "\(check.standardOutput) \(check.standardError)")
        let defaults = try await CachewatchBinary.run(["rules", "--print-defaults"])
        let names = defaults.stdout.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("- name: ") ? String(text.dropFirst(8)) : nil
        }
        #expect(check.standardOutput.contains("SUCCESS: \(names.count) rules found"), "\(check.standardOutput)")
        for name in names { #expect(exported.stdout.contains("      - alert: \(name)\n"), "\(name)") }
        #expect(exported.stdout.contains("expr: \"avg_over_time(cachewatch_evicted_per_second[30s]) > 1000\""))
        #expect(exported.stdout.contains("keep_firing_for: 30s"))
    }

    @Test("a bad rules file to export is one line; --rules without --export is a usage error")
    func badInput() async throws {
        let path = try TemporaryFile.containing("rules:\n  - name: X\n    metric: nope\n    above: 1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bad = try await CachewatchBinary.run(["rules", "--export", "prometheus", "--rules", path])
        #expect(bad.code == 1 && bad.stderr.contains("unknown metric 'nope'"), "\(bad.stderr)")
        let usage = try await CachewatchBinary.run(["rules", "--metrics", "--rules", path])
        #expect(usage.code == 64, "\(usage.stderr)")
    }

    @Test("on an eviction storm, Prometheus evaluating the exported rule fires the same alert as cachewatch")
    func sameAlert() async throws {
        let rules = try TemporaryFile.containing(
            """
            rules:
              - name: EvictionStorm
                metric: evicted_per_sec
                above: 200
                over: 5s
                for: 3s
                severity: critical
                summary: "eviction storm: {{value}} keys/s evicted on {{node}}"

            """)
        defer { try? FileManager.default.removeItem(atPath: rules) }
        let exported = try await CachewatchBinary.run(["rules", "--export", "prometheus", "--rules", rules])
        #expect(exported.code == 0, "\(exported.stderr)")
        try await withRedisServer(["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            let node = "127.0.0.1:\(server.port)"
            let port = try FreePort.next()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.5", "--format", "json", "--no-sampling", "--no-events",
                "--rules", rules, "--alerts-only", "--listen", "127.0.0.1:\(port)",
            ])
            let prometheus = try await PrometheusProcess(targets: ["127.0.0.1:\(port)"], rules: exported.stdout)
            let writer = try await server.client()
            let value = String(repeating: "v", count: 1024)
            let storm = Task {
                var next = 0
                while !Task.isCancelled {
                    _ = try? await writer.pipeline((0..<300).map { RESPCommand("SET", "page:\(next + $0)", value) })
                    next += 300
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            defer { storm.cancel() }
            let cachewatchFired = try await eventually(timeout: .seconds(60)) {
                jsonObjects(watch.standardOutput).contains {
                    $0["alertname"] as? String == "EvictionStorm" && $0["status"] as? String == "firing"
                        && ($0["labels"] as? [String: String])?["node"] == node
                }
            }
            #expect(cachewatchFired, "cachewatch: \(watch.standardOutput.suffix(500)) \(watch.standardError)")
            var alerts: [(labels: [String: String], value: Double)] = []
            let prometheusFired = try await eventually(timeout: .seconds(60)) {
                alerts = try await prometheus.query("ALERTS{alertname=\"EvictionStorm\",alertstate=\"firing\"}")
                return !alerts.isEmpty
            }
            let all = try await prometheus.query("ALERTS").map(\.labels)
            #expect(prometheusFired, "Prometheus: \(all) \(prometheus.log.suffix(800))")
            #expect(alerts.first?.labels["node"] == node && alerts.first?.labels["severity"] == "critical", "\(alerts)")
            storm.cancel()
            await writer.close()
            await prometheus.stop()
            await watch.terminate()
        }
    }
}
