import Foundation
import RESP
import TestSupport
import Testing

@Suite("Several nodes from the command line", .sameOnEveryServer)
struct SeveralNodesTests {
    @Test("a node that stalls does not delay the others: each keeps its own schedule")
    func stalledNodeDoesNotDelay() async throws {
        try await withRedisServer { server in
            let stalled = try await FakeRESPServer(behavior: .stall)
            let watch = try CachewatchBinary.start([
                "watch", "redis://127.0.0.1:\(server.port)", "redis://127.0.0.1:\(stalled.port)", "--format", "json",
                "-i", "0.25", "--timeout", "5", "--connect-timeout", "5", "--no-sampling", "--wait",
            ])
            // While the stalled node's first handshake waits for its 5 s timeout, the real one is
            // polled four times a second.
            let healthy = "127.0.0.1:\(server.port)"
            #expect(
                try await eventually(timeout: .seconds(4)) {
                    jsonObjects(watch.standardOutput).filter { $0["node"] as? String == healthy }.count >= 8
                }, "\(watch.standardOutput.suffix(300)) \(watch.standardError)")
            #expect(
                !jsonObjects(watch.standardOutput).contains { $0["node"] as? String == "127.0.0.1:\(stalled.port)" })
            await watch.terminate()
            await stalled.stop()
        }
    }

    @Test("a targets file names the nodes everywhere: table column, JSON node, alert labels, CSV")
    func targetsFile() async throws {
        try await withRedisServer { primary in
            try await withRedisServer(["--replicaof", "127.0.0.1", String(primary.port)]) { replica in
                let file = try TemporaryFile.containing(
                    """
                    targets:
                      - name: sessions-primary
                        url: redis://127.0.0.1:\(primary.port)
                      - name: sessions-replica
                        url: redis://127.0.0.1:\(replica.port)
                    """)
                let csv = FileManager.default.temporaryDirectory.appendingPathComponent("cw-\(UUID().uuidString).csv")
                    .path
                let table = try await CachewatchBinary.run([
                    "watch", "--targets", file, "-c", "2", "-i", "0.3", "--no-sampling", "--header-every", "0",
                ])
                #expect(table.code == 0, "\(table.stderr)")
                let lines = table.stdout.split(separator: "\n")
                #expect(lines.first?.hasPrefix("time     node ") == true)
                #expect(lines.filter { $0.contains(" sessions-primary ") }.count == 2)
                #expect(lines.filter { $0.contains(" sessions-replica ") }.count == 2)

                let json = try await CachewatchBinary.run([
                    "watch", "--targets", file, "-c", "3", "-i", "0.3", "--no-sampling", "--format", "json", "--csv",
                    csv,
                ])
                #expect(json.code == 0, "\(json.stderr)")
                let objects = jsonObjects(json.stdout)
                let replicaLines = objects.filter { $0["node"] as? String == "sessions-replica" }
                #expect(replicaLines.count == 3)
                #expect(replicaLines.last?["role_primary"] as? Double == 0)
                #expect(
                    objects.filter { $0["node"] as? String == "sessions-primary" }.last?["role_primary"] as? Double == 1
                )
                let rows = try await CSVReadBack.read([csv]).tables.values.first?.rows ?? []
                #expect(Set(rows.compactMap { $0["node"] }) == ["sessions-primary", "sessions-replica"])
            }
        }
    }

    @Test("bad targets: a file with an unknown key, a missing url, the same name twice — one line each")
    func badTargets() async throws {
        let cases: [(String, String)] = [
            ("targets:\n  - name: a\n    host: x\n", "target 1: unknown key 'host'"),
            ("targets:\n  - name: a\n", "target 1: 'url' is missing"),
            (
                "targets:\n  - {name: a, url: 'redis://127.0.0.1:1'}\n  - {name: a, url: 'redis://127.0.0.1:2'}\n",
                "'a' is listed twice"
            ),
            ("nodes: []\n", "expected 'targets:' with a list of {name, url}"),
        ]
        for (text, message) in cases {
            let file = try TemporaryFile.containing(text)
            let result = try await CachewatchBinary.run(["watch", "--targets", file, "-c", "1"])
            #expect(result.code == 64, "\(text)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 2, "\(result.stderr)")
        }
    }
}
