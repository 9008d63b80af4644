import Foundation
import RESP
import TestSupport
import Testing

/// Every command against servers whose operators renamed commands away (`rename-command X ""`,
/// common on managed and hardened servers): the server answers "unknown command", which is
/// not an ACL refusal. What cachewatch can do it does; what it cannot is one line naming the
/// command — never a protocol error, a crash, or a view that waits for ever.
@Suite("renamed commands")
struct RenamedCommandsTests {
    /// Everything cachewatch may send but the handshake, `PING` and `INFO`.
    private static let renamed = [
        "SCAN", "TYPE", "PTTL", "STRLEN", "LLEN", "HLEN", "SCARD", "ZCARD", "XLEN", "DBSIZE", "SLOWLOG", "COMMAND",
        "MEMORY", "OBJECT", "CLIENT", "CLUSTER", "LATENCY", "CONFIG", "MONITOR",
    ]

    private static func withRenamed(_ commands: [String], _ body: (RedisServer) async throws -> Void) async throws {
        try await withRedisServer(commands.flatMap { ["--rename-command", $0, ""] }) { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<200).map { RESPCommand("SET", "user:\($0)", "v") })
            await admin.close()
            try await body(server)
        }
    }

    private static func run(
        _ arguments: [String], _ server: RedisServer
    ) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        try await CachewatchBinary.run(arguments + ["-p", String(server.port)], timeout: .seconds(60))
    }

    private static func expectClean(_ result: (code: Int32, stdout: String, stderr: String), _ what: String) {
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains("protocol error"), "\(what): \(text.suffix(400))")
            #expect(!text.contains("unexpected"), "\(what): \(text.suffix(400))")
            #expect(!text.contains("Fatal error"), "\(what): \(text.suffix(400))")
        }
    }

    @Test("watch polls from INFO and names each renamed command it needed, once")
    func watch() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            let result = try await Self.run(["watch", "-c", "3", "-i", "0.3", "--format", "json"], server)
            Self.expectClean(result, "watch")
            #expect(result.code == 0, "\(result.stderr)")
            let up = jsonObjects(result.stdout).filter { $0["up"] as? Double == 1 }
            #expect(up.count == 3, "\(result.stdout.suffix(400))")
            #expect(up.last?["keys"] as? Double == 200, "figures from INFO still come")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.filter { $0.contains("SLOWLOG") }.count == 1, "\(result.stderr)")
            #expect(
                lines.allSatisfy { $0.contains("renamed or disabled") || $0.contains("unknown command") },
                "\(result.stderr)")
            #expect(Set(lines).count == lines.count, "no line twice: \(result.stderr)")
        }
    }

    @Test("check judges from INFO; without INFO it is UNKNOWN, exit 3")
    func check() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            let result = try await Self.run(["check", "--window", "1"], server)
            Self.expectClean(result, "check")
            #expect([0, 1].contains(result.code), "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.hasPrefix("CACHEWATCH "), "\(result.stdout)")
        }
        try await Self.withRenamed(["INFO"]) { server in
            let result = try await Self.run(["check", "--window", "1"], server)
            Self.expectClean(result, "check without INFO")
            #expect(result.code == 3, "\(result.stdout) \(result.stderr)")
            #expect(
                result.stdout.hasPrefix("CACHEWATCH UNKNOWN - ") && result.stdout.contains("INFO"), "\(result.stdout)")
            #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        }
    }

    @Test("watch without INFO: one line naming INFO, and it keeps trying")
    func watchWithoutInfo() async throws {
        try await Self.withRenamed(["INFO"]) { server in
            let result = try await Self.run(["watch", "-c", "2", "-i", "0.2", "--format", "json"], server)
            Self.expectClean(result, "watch without INFO")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.filter { $0.contains("INFO") }.count == 1, "\(result.stderr)")
            #expect(!jsonObjects(result.stdout).isEmpty, "ticks still come: \(result.stdout.suffix(300))")
        }
    }

    @Test("scan: one line naming SCAN, exit 1")
    func scan() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            let result = try await Self.run(["scan", "--sample", "100"], server)
            Self.expectClean(result, "scan")
            #expect(result.code == 1, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(
                lines.count == 1 && lines[0].contains("SCAN") && lines[0].contains("renamed or disabled"),
                "\(result.stderr)")
        }
    }

    @Test("snapshot writes what it has")
    func snapshot() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("cw-renamed-\(UUID().uuidString)")
                .path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try await Self.run(["snapshot", "--out", out, "--window", "1"], server)
            Self.expectClean(result, "snapshot")
            #expect(result.code == 0, "\(result.stderr)")
            try expectOneSnapshot(in: out)
        }
    }

    @Test("profile: one line naming MONITOR, exit 1")
    func profile() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            let result = try await Self.run(["profile", "--seconds", "1"], server)
            Self.expectClean(result, "profile")
            #expect(result.code == 1, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("MONITOR"), "\(result.stderr)")
        }
    }

    @Test("the dashboard: overview from INFO, the keyspace view names SCAN, q restores the terminal")
    func dashboard() async throws {
        try await Self.withRenamed(Self.renamed) { server in
            try await withTmux(
                command: [CachewatchBinary.path, "-p", String(server.port), "-i", "0.3"],
                environment: ["LANG": "C.UTF-8"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                try await tmux.send("5")
                let screen = try await tmux.waitForScreen(containing: "renamed or disabled", timeout: .seconds(15))
                #expect(screen.contains("SCAN"), "\(screen)")
                #expect(!screen.contains("has not reported yet"))
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 0)
                #expect(try await tmux.variable("alternate_on") == "0")
            }
        }
    }
}
