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
                warning.stdout.hasPrefix("CACHEWATCH WARNING - AlwaysConnected: 1 clients on 127.0.0.1:\(server.port)"),
                "\(warning.stdout)")
            let critical = try await CachewatchBinary.run([
                "check", "-p", String(server.port), "--window", "0.4", "--rules", try rules("critical"),
            ])
            #expect(critical.code == 2)
            #expect(critical.stdout.hasPrefix("CACHEWATCH CRITICAL - "))
        }
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
