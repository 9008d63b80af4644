import Foundation
import RESP
import TestSupport
import Testing

/// Every command as an ACL user allowed `PING` and `INFO` only (besides the handshake): what
/// it can do it does; what it cannot is one clear line naming the refusal — never a protocol
/// error, a crash, or a view that waits for ever.
@Suite("an ACL user limited to PING and INFO")
struct LimitedUserTests {
    private static func limitedServer(_ body: (RedisServer) async throws -> Void) async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.send(
                RESPCommand(["ACL", "SETUSER", "probe", "on", ">pw", "-@all", "+ping", "+info", "+hello", "+auth"]))
            await admin.close()
            try await body(server)
        }
    }

    private static func run(
        _ arguments: [String], _ server: RedisServer
    ) async throws -> (
        code: Int32, stdout: String, stderr: String
    ) {
        try await CachewatchBinary.run(
            arguments + ["-p", String(server.port), "--user", "probe"],
            environment: ["REDISCLI_AUTH": "pw"], timeout: .seconds(60))
    }

    private static func expectClean(_ result: (code: Int32, stdout: String, stderr: String), _ what: String) {
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains("protocol error"), "\(what): \(text.suffix(400))")
            #expect(!text.contains("unexpected"), "\(what): \(text.suffix(400))")
            #expect(!text.contains("pw"), "\(what): the password")
        }
    }

    @Test("watch polls what it may and says once what it may not")
    func watch() async throws {
        try await Self.limitedServer { server in
            let result = try await Self.run(["watch", "-c", "3", "-i", "0.2", "--format", "json"], server)
            Self.expectClean(result, "watch")
            #expect(result.code == 0, "\(result.stderr)")
            #expect(jsonObjects(result.stdout).filter { $0["up"] as? Double == 1 }.count == 3)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.filter { $0.contains("SLOWLOG") }.count == 1, "\(result.stderr)")
            #expect(lines.allSatisfy { $0.contains("NOPERM") || $0.contains("denied") || $0.hasPrefix("warning") })
        }
    }

    @Test("check judges from INFO")
    func check() async throws {
        try await Self.limitedServer { server in
            let result = try await Self.run(["check", "--window", "1"], server)
            Self.expectClean(result, "check")
            #expect([0, 1].contains(result.code), "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.hasPrefix("CACHEWATCH "), "\(result.stdout)")
        }
    }

    @Test("a password given as an argument is warned about by every command but the dashboard and check, once")
    func passwordWarning() async throws {
        try await Self.limitedServer { server in
            for command in [["watch", "-c", "1"], ["scan", "--sample", "10"], ["profile", "--seconds", "1"]] {
                let warned = try await CachewatchBinary.run(
                    command + ["-p", String(server.port), "--user", "probe", "-a", "pw"], timeout: .seconds(60))
                #expect(
                    warned.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: a password") }.count == 1,
                    "\(command[0]): \(warned.stderr)")
                let quiet = try await CachewatchBinary.run(
                    command + ["-p", String(server.port), "--user", "probe", "-a", "pw", "--no-auth-warning"],
                    timeout: .seconds(60))
                #expect(!quiet.stderr.contains("warning: a password"), "\(command[0]): \(quiet.stderr)")
            }
        }
    }

    @Test("scan: one line naming the refusal, exit 1")
    func scan() async throws {
        try await Self.limitedServer { server in
            let result = try await Self.run(["scan", "--sample", "100"], server)
            Self.expectClean(result, "scan")
            #expect(result.code == 1, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(
                lines.count == 1 && lines[0].localizedCaseInsensitiveContains("scan") && lines[0].contains("NOPERM"),
                "\(result.stderr)")
        }
    }

    @Test("snapshot writes what it has and names what it lacks")
    func snapshot() async throws {
        try await Self.limitedServer { server in
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("cw-acl-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try await Self.run(["snapshot", "--out", out, "--window", "1"], server)
            Self.expectClean(result, "snapshot")
            #expect(result.code == 0, "\(result.stderr)")
            try expectOneSnapshot(in: out)
        }
    }

    @Test("profile: one line, MONITOR refused, exit 1")
    func profile() async throws {
        try await Self.limitedServer { server in
            let result = try await Self.run(["profile", "--seconds", "1"], server)
            Self.expectClean(result, "profile")
            #expect(result.code == 1, "\(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("NOPERM"), "\(result.stderr)")
        }
    }

    @Test("the dashboard: the keyspace view names the refusal instead of waiting")
    func dashboard() async throws {
        try await Self.limitedServer { server in
            try await withTmux(
                command: [
                    CachewatchBinary.path, "-p", String(server.port), "--user", "probe", "-i", "0.3",
                ], environment: ["REDISCLI_AUTH": "pw"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "Overview")
                try await tmux.send("5")
                let screen = try await tmux.waitForScreen(containing: "NOPERM", timeout: .seconds(15))
                #expect(!screen.contains("has not reported yet"))
                try await tmux.send("q")
            }
        }
    }
}
