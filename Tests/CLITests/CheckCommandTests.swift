import Foundation
import RESP
import TestSupport
import Testing

@Suite("cachewatch check", .sameOnEveryServer)
struct CheckCommandTests {
    private func rules(_ severity: String) throws -> String {
        let path = try TemporaryFile.containing(
            """
            rules:
              - name: AlwaysConnected
                metric: clients_connected
                above: 0
                for: 10m
                severity: \(severity)
                summary: "{{value}} clients on {{node}}"
            """)
        return path
    }

    @Test("OK on a healthy server with the built-in rules, with perfdata")
    func ok() async throws {
        try await withRedisServer { server in
            let result = try await CachewatchBinary.run(["check", "-p", String(server.port), "--window", "0.4"])
            #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.hasPrefix("CACHEWATCH OK - 127.0.0.1:\(server.port):"))
            #expect(result.stdout.contains(" | ") && result.stdout.contains("clients_connected="))
        }
    }

    @Test("WARNING and CRITICAL from rule severities, ignoring 'for'")
    func severities() async throws {
        try await withRedisServer { server in
            let warning = try await CachewatchBinary.run([
                "check", "-p", String(server.port), "--window", "0.4", "--rules", try rules("warning"), "--no-sampling",
            ])
            #expect(warning.code == 1)
            #expect(
                warning.stdout.hasPrefix("CACHEWATCH WARNING - AlwaysConnected: 1 client on 127.0.0.1:\(server.port)"),
                "\(warning.stdout)")
            let critical = try await CachewatchBinary.run([
                "check", "-p", String(server.port), "--window", "0.4", "--rules", try rules("critical"),
            ])
            #expect(critical.code == 2)
            #expect(critical.stdout.hasPrefix("CACHEWATCH CRITICAL - "))
        }
    }

    @Test("--format json: the same verdict and exit code as one object, the alert with its description and runbook")
    func json() async throws {
        try await withRedisServer { server in
            let warning = try await CachewatchBinary.run([
                "check", "-p", String(server.port), "--window", "0.4", "--rules", try rules("warning"), "--no-sampling",
                "--format", "json",
            ])
            #expect(warning.code == 1, "\(warning.stderr)")
            let object = try #require(jsonObjects(warning.stdout).first, "\(warning.stdout)")
            #expect(object["status"] as? String == "WARNING" && object["exit_code"] as? Int == 1)
            let alert = try #require((object["alerts"] as? [[String: Any]])?.first)
            #expect(alert["name"] as? String == "AlwaysConnected" && alert["severity"] as? String == "warning")
            #expect((alert["labels"] as? [String: String])?["node"] == "127.0.0.1:\(server.port)")
            #expect(alert["description"] is String && alert["runbook_url"] is String)
            #expect((object["problems"] as? [String])?.first?.hasPrefix("AlwaysConnected: ") == true)
            #expect((object["figures"] as? [String: Double])?["clients_connected"] ?? 0 >= 1)
            #expect((object["nodes"] as? [[String: Any]])?.first?["up"] as? Bool == true)
        }
        let port = try FreePort.next()
        let unknown = try await CachewatchBinary.run(["check", "-p", String(port), "--format", "json"])
        #expect(unknown.code == 3)
        let object = try #require(jsonObjects(unknown.stdout).first)
        #expect(object["status"] as? String == "UNKNOWN" && (object["summary"] as? String)?.contains("refused") == true)
    }

    @Test("UNKNOWN when unreachable")
    func unknown() async throws {
        let port = try FreePort.next()
        let result = try await CachewatchBinary.run(["check", "-p", String(port)])
        #expect(result.code == 3)
        #expect(result.stdout == "CACHEWATCH UNKNOWN - cannot connect to 127.0.0.1:\(port): connection refused\n")
        #expect(result.stderr.isEmpty)
    }
}
