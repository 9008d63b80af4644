import Foundation
import RESP
import Telemetry
import TestSupport
import Testing

/// `--enable-events`: the one write cachewatch may make, at the user's request — the missing
/// keyspace-event flags added to the server's own, and the previous setting put back however the
/// run ends.
@Suite("--enable-events against a real server")
struct EnableEventsTests {
    /// The server's `notify-keyspace-events`, as a set of letters (the server reorders them).
    private func flags(_ server: RedisServer) async throws -> Set<Character> {
        Set(try await rawFlags(server))
    }

    private func rawFlags(_ server: RedisServer) async throws -> String {
        let admin = try await server.client()
        let reply = try await admin.send(RESPCommand("CONFIG", "GET", "notify-keyspace-events"))
        await admin.close()
        if case .map(let pairs) = reply { return try #require(pairs.first?.value.stringValue) }
        return try #require(reply.elements?.last?.stringValue)
    }

    /// The flags past `e`, `x`, `g`, `m` that cachewatch adds on this server: `o` (overwrites,
    /// Redis 8.2+; new keys, `n`, are counted where published but never turned on).
    private func newerFlags(_ server: RedisServer) async throws -> String {
        let admin = try await server.client()
        let hello = admin.hello
        await admin.close()
        let kinds = KeyEventKind.publishable(server: hello.server, version: hello.version)
        return kinds.contains(.overwritten) ? "o" : ""
    }

    private func setFlags(_ server: RedisServer, _ value: String) async throws {
        let admin = try await server.client()
        _ = try await admin.send(RESPCommand("CONFIG", "SET", "notify-keyspace-events", value))
        await admin.close()
    }

    /// Starts `watch --enable-events` on a server publishing `Kg`, waits until cachewatch has
    /// added `E`, `e`, `x`, `g`, `m` (and `o` where the server has it) and counts, then ends it with `end`.
    private func enableThenEnd(
        signal: Int32, expectedCode: Int32
    ) async throws {
        try await withRedisServer { server in
            try await setFlags(server, "Kg")
            let before = try await rawFlags(server)  // as the server spells it
            let newer = try await newerFlags(server)
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--enable-events", "--format", "json",
            ])
            defer { watch.signal(SIGKILL) }
            let enabled = try await eventually(timeout: .seconds(20)) {
                try await flags(server) == Set("KgExem" + newer) && watch.standardError.contains("counting")
            }
            let found = try await flags(server)
            #expect(enabled, "flags: \(found); stderr: \(watch.standardError)")
            #expect(
                watch.standardError.contains(
                    "--enable-events: notify-keyspace-events on 127.0.0.1:\(server.port) set to \"\(before)Eex\(newer)m\" (was \"\(before)\"); it is put back on exit"
                ), "\(watch.standardError)")
            watch.signal(signal)
            let code = try await watch.waitForExit(timeout: .seconds(15))
            #expect(code == expectedCode, "\(watch.standardError)")
            #expect(try await flags(server) == Set("Kg"))
            #expect(
                watch.standardError.contains(
                    "notify-keyspace-events on 127.0.0.1:\(server.port) put back to \"\(before)\""),
                "\(watch.standardError)")
        }
    }

    @Test("SIGTERM puts the previous setting back")
    func sigterm() async throws { try await enableThenEnd(signal: SIGTERM, expectedCode: 128 + SIGTERM) }

    @Test("SIGINT puts the previous setting back")
    func sigint() async throws { try await enableThenEnd(signal: SIGINT, expectedCode: 128 + SIGINT) }

    @Test("a normal end puts it back; a server that publishes everything already is not touched")
    func normalEnd() async throws {
        try await withRedisServer { server in
            let newer = try await newerFlags(server)
            let result = try await CachewatchBinary.run([
                "watch", "-p", String(server.port), "-i", "0.3", "-c", "12", "--enable-events", "--format", "json",
            ])
            #expect(result.code == 0, "\(result.stderr)")
            #expect(result.stderr.contains("set to \"Eexg\(newer)m\" (was \"\")"), "\(result.stderr)")
            #expect(result.stderr.contains("put back to \"\""), "\(result.stderr)")
            #expect(try await flags(server).isEmpty)

            try await setFlags(server, "AKEm" + newer)
            let untouched = try await CachewatchBinary.run([
                "watch", "-p", String(server.port), "-i", "0.3", "-c", "12", "--enable-events", "--format", "json",
            ])
            #expect(untouched.code == 0, "\(untouched.stderr)")
            #expect(!untouched.stderr.contains("--enable-events"), "\(untouched.stderr)")
            #expect(!untouched.stderr.contains("put back"), "\(untouched.stderr)")
            // Beside A, Redis 8.2 leaves o out of CONFIG GET (it publishes overwrites all the
            // same): cachewatch cannot see it is on, so it neither counts nor asks for it.
            let counted = ["evicted", "expired", "deleted", "keymiss"]
            #expect(
                untouched.stderr.contains("counting \(counted.joined(separator: ", "))"), "\(untouched.stderr)")
        }
    }

    @Test("an error ending the run puts it back (the CSV output goes away)")
    func errorEnd() async throws {
        try await withRedisServer { server in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "cachewatch-fifo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let fifo = directory.appendingPathComponent("rows.csv").path
            #expect(mkfifo(fifo, 0o600) == 0)
            // Close-on-exec: a reader inherited by the child (or any process spawned meanwhile) would
            // keep the pipe open.
            let reader = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            #expect(reader >= 0)
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--enable-events", "--csv", fifo,
            ])
            defer { watch.signal(SIGKILL) }
            let newer = try await newerFlags(server)
            let enabled = try await eventually(timeout: .seconds(20)) {
                try await flags(server) == Set("Eexgm" + newer) && watch.standardError.contains("counting")
            }
            #expect(enabled, "\(watch.standardError)")
            close(reader)  // the reader goes away: the next row cannot be written
            let code = try await watch.waitForExit(timeout: .seconds(15))
            #expect(code == 1, "\(watch.standardError)")
            #expect(watch.standardError.contains("cannot append to"), "\(watch.standardError)")
            #expect(watch.standardError.contains("put back to \"\""), "\(watch.standardError)")
            #expect(try await flags(server).isEmpty)
        }
    }

    @Test("someone else's change since is left as they made it")
    func changedMeanwhile() async throws {
        try await withRedisServer { server in
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--enable-events", "--format", "json",
            ])
            defer { watch.signal(SIGKILL) }
            let newer = try await newerFlags(server)
            let enabled = try await eventually(timeout: .seconds(20)) {
                try await flags(server) == Set("Eexgm" + newer) && watch.standardError.contains("counting")
            }
            #expect(enabled, "\(watch.standardError)")
            try await setFlags(server, "Ex")
            watch.signal(SIGTERM)
            _ = try await watch.waitForExit(timeout: .seconds(15))
            #expect(try await flags(server) == Set("xE"))
            #expect(watch.standardError.contains("left as \"xE\""), "\(watch.standardError)")
        }
    }

    @Test("an ACL user without CONFIG SET: one line, and the run goes on")
    func refused() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.send(
                RESPCommand([
                    // Redis 6.2 cannot deny one subcommand: CONFIG denied, then CONFIG GET allowed.
                    "ACL", "SETUSER", "watcher", "on", ">pw", "+@all", "-config", "+config|get", "~*", "&*",
                ]))
            await admin.close()
            let result = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "--user", "watcher", "-i", "0.3", "-c", "8",
                    "--enable-events", "--format", "json", "--no-auth-warning",
                ], environment: ["REDISCLI_AUTH": "pw"])
            #expect(result.code == 0, "\(result.stderr)")
            let refusals = result.stderr.split(separator: "\n").filter { $0.contains("not changed") }
            #expect(refusals.count == 1, "\(result.stderr)")
            #expect(refusals.first?.contains("NOPERM") == true, "\(result.stderr)")
            #expect(try await flags(server).isEmpty)
            #expect(!result.stderr.contains("pw"), "\(result.stderr)")
        }
    }

    @Test("--no-events and --enable-events exclude each other")
    func exclusive() async throws {
        let result = try await CachewatchBinary.run(["watch", "--no-events", "--enable-events"])
        #expect(result.code == 64, "\(result.stderr)")
        #expect(result.stderr.contains("exclude each other"), "\(result.stderr)")
    }
}
