import Foundation
import TestSupport
import Testing

/// The binaries against a server that completes the handshake like Redis 7 and then answers
/// `INFO` with something hostile: garbage, huge lengths, values nested without end, chains of
/// RESP3 attributes, or an answer dribbled out a byte at a time. Each is one clear line and an
/// exit code — never a crash, a hang, unbounded memory, or a terminal left in the alternate screen.
@Suite("hostile replies through the binaries", .sameOnEveryServer)
struct HostileServerTests {
    /// A hostile `INFO` answer and what the one line must say about it.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let info: [UInt8]
        let says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "garbage", info: Array("\u{1}\u{2}garbage\r\n".utf8), says: "invalid RESP type byte 0x01"),
        Case(
            name: "a 4 GiB bulk string", info: Array("$4294967296\r\nabc".utf8),
            says: "RESP bulk of 4294967296 bytes exceeds the limit"),
        Case(
            name: "a 2-billion-element array", info: Array("*2147483647\r\n:1\r\n".utf8),
            says: "exceeds the limit"),
        Case(
            name: "100,000 nested arrays", info: Array(String(repeating: "*1\r\n", count: 100_000).utf8),
            says: "RESP nesting deeper than"),
        Case(
            name: "a 48 KB chain of attributes",
            info: Array((String(repeating: "|1\r\n+a\r\n+b\r\n", count: 4_000) + "+OK\r\n").utf8),
            says: "RESP nesting deeper than"),
        Case(
            name: "a push inside an array", info: Array("*2\r\n:1\r\n>1\r\n+x\r\n".utf8),
            says: "RESP push inside another value"),
    ]

    /// Answers like Redis 7.0 (RESP3 `HELLO`), with `info` as the answer to every `INFO` from
    /// the `after + 1`th on (a valid one before).
    static func redis(info: [UInt8], after: Int = 0) -> @Sendable ([String]) -> [UInt8]? {
        let infos = Locked(0)
        let hello = Array(
            ("%7\r\n+server\r\n+redis\r\n+version\r\n+7.0.15\r\n+proto\r\n:3\r\n+id\r\n:7\r\n"
                + "+mode\r\n+standalone\r\n+role\r\n+master\r\n+modules\r\n*0\r\n").utf8)
        return { arguments in
            switch arguments.first {
            case "HELLO": return hello
            case "CLIENT": return Array("+OK\r\n".utf8)
            case "PING": return Array("+PONG\r\n".utf8)
            // Not the poller's: the key sampler's INFO memory (the policy, at a pass's start) and
            // discovery's INFO cluster and INFO server (a cluster? a sentinel?).
            case "INFO" where ["memory", "server", "cluster"].contains(arguments.dropFirst().first?.lowercased() ?? ""):
                return validInfo
            case "INFO":
                return infos.withLock {
                    $0 += 1; return $0 > after
                } ? info : validInfo
            case "SLOWLOG", "SCAN": return Array("*0\r\n".utf8)
            default: return Array("-ERR unknown command '\(arguments.first ?? "")'\r\n".utf8)
            }
        }
    }

    /// A short, valid INFO answer.
    static let validInfo: [UInt8] = {
        let text =
            "# Server\r\nredis_version:7.0.15\r\nrun_id:fake\r\nuptime_in_seconds:5\r\n# Stats\r\n"
            + "keyspace_hits:30\r\nkeyspace_misses:10\r\n# Keyspace\r\ndb0:keys=12,expires=0,avg_ttl=0\r\n"
        return Array("$\(text.utf8.count)\r\n\(text)\r\n".utf8)
    }()

    private static let timeouts = ["--timeout", "1", "--connect-timeout", "1"]

    @Test("watch: one line naming what was wrong, exit 1, no crash", arguments: cases)
    func watch(_ hostile: Case) async throws {
        let fake = try await FakeRESPServer(behavior: .script(Self.redis(info: hostile.info)))
        defer { Task { await fake.stop() } }
        let result = try await CachewatchBinary.run(
            ["watch", "-p", String(fake.port), "-c", "2", "-i", "0.2", "--format", "json", "--no-events"]
                + Self.timeouts)
        #expect(result.code == 1, "\(hostile.name): \(result.code) \(result.stderr.suffix(300))")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(hostile.name): \(result.stderr.suffix(600))")
        #expect(
            lines.first?.hasPrefix("cachewatch: protocol error from 127.0.0.1:\(fake.port): ") == true
                && lines.first?.contains(hostile.says) == true, "\(hostile.name): \(result.stderr.suffix(300))")
    }

    @Test("check: UNKNOWN with the reason, exit 3", arguments: cases)
    func check(_ hostile: Case) async throws {
        let fake = try await FakeRESPServer(behavior: .script(Self.redis(info: hostile.info)))
        defer { Task { await fake.stop() } }
        let result = try await CachewatchBinary.run(["check", "-p", String(fake.port)] + Self.timeouts)
        #expect(result.code == 3, "\(hostile.name): \(result.stdout) \(result.stderr.suffix(300))")
        #expect(
            result.stdout.hasPrefix("CACHEWATCH UNKNOWN - ") && result.stdout.contains(hostile.says)
                && result.stdout.split(separator: "\n").count == 1, "\(hostile.name): \(result.stdout)")
    }

    @Test("the dashboard: one line before it opens; once open, the reason on screen, q quits with 0, terminal restored")
    func dashboard() async throws {
        for hostile in Self.cases where hostile.name.contains("nested") || hostile.name.contains("attributes") {
            // At first contact: nothing drawn, one line, exit 1 (as watch).
            // (tmux 3.3 drops what a pane printed just before it died: standard error goes to a file.)
            let first = try await FakeRESPServer(behavior: .script(Self.redis(info: hostile.info)))
            let errors = try TemporaryFile.containing("")
            defer { try? FileManager.default.removeItem(atPath: errors) }
            let line = ([CachewatchBinary.path, "-p", String(first.port), "-i", "0.2", "--no-rules"] + Self.timeouts)
                .joined(separator: " ")
            try await withTmux(
                width: 120, height: 30, command: ["/bin/sh", "-c", "\(line) 2>\(errors)"],
                environment: ["LANG": "C.UTF-8"]
            ) { tmux in
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 1, "\(hostile.name)")
                let printed = try String(contentsOfFile: errors, encoding: .utf8)
                #expect(
                    printed.hasPrefix("cachewatch: protocol error from ") && printed.contains(hostile.says)
                        && printed.split(separator: "\n").count == 1, "\(printed)")
                #expect(try await tmux.variable("alternate_on") == "0")
            }
            await first.stop()
            // Once the dashboard is open (the server turns hostile at its fourth INFO).
            let later = try await FakeRESPServer(behavior: .script(Self.redis(info: hostile.info, after: 3)))
            try await withTmux(
                width: 120, height: 30,
                command: [CachewatchBinary.path, "-p", String(later.port), "-i", "0.2", "--no-rules"] + Self.timeouts,
                environment: ["LANG": "C.UTF-8"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                // The reason is drawn in the same frame as "● down", but a capture can fall
                // between the header's line and the footer's: wait for the reason itself.
                let screen = try await tmux.waitForScreen(containing: hostile.says)
                #expect(screen.contains("● down"), "\(hostile.name): \(screen)")
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 0, "\(hostile.name)")
                #expect(try await tmux.variable("alternate_on") == "0")
            }
            await later.stop()
        }
    }

    @Test("watch, once running: one line when the server turns hostile; it keeps polling", arguments: cases)
    func watchLater(_ hostile: Case) async throws {
        let fake = try await FakeRESPServer(behavior: .script(Self.redis(info: hostile.info, after: 2)))
        defer { Task { await fake.stop() } }
        let result = try await CachewatchBinary.run(
            ["watch", "-p", String(fake.port), "-c", "6", "-i", "0.2", "--format", "json", "--no-events"]
                + Self.timeouts, timeout: .seconds(30))
        #expect(result.code == 0, "\(hostile.name): \(result.stderr.suffix(300))")
        let objects = jsonObjects(result.stdout)
        #expect(objects.count == 6, "\(hostile.name): \(result.stdout.suffix(300))")
        #expect(objects.prefix(2).allSatisfy { $0["up"] as? Double == 1 } && objects.last?["up"] as? Double == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(
            lines.count == 1 && lines[0].contains("connection lost: protocol error") && lines[0].contains(hostile.says),
            "\(hostile.name): \(result.stderr.suffix(400))")
    }

    @Test("a server claiming a cluster of no node is watched as a lone node (watch waited for ever)")
    func emptyCluster() async throws {
        let base = Self.redis(info: Self.validInfo)
        let fake = try await FakeRESPServer(
            behavior: .script { arguments in
                arguments.first == "CLUSTER" && arguments.dropFirst().first == "SHARDS"
                    ? Array("*0\r\n".utf8) : base(arguments)
            })
        defer { Task { await fake.stop() } }
        let result = try await CachewatchBinary.run(
            ["watch", "-p", String(fake.port), "-c", "2", "-i", "0.2", "--format", "json", "--no-events"]
                + Self.timeouts, timeout: .seconds(20))
        #expect(result.code == 0, "\(result.stderr.suffix(400))")
        let objects = jsonObjects(result.stdout)
        #expect(objects.count == 2 && objects.allSatisfy { $0["up"] as? Double == 1 }, "\(result.stdout.suffix(400))")
    }

    @Test("an answer trickled a byte every 2 ms is read whole; one slower than the timeout is a timeout")
    func trickled() async throws {
        let slowLink = try await FakeRESPServer(
            behavior: .script(Self.redis(info: Self.validInfo)), trickle: .milliseconds(2))
        let read = try await CachewatchBinary.run(
            ["watch", "-p", String(slowLink.port), "-c", "2", "-i", "0.2", "--format", "json", "--no-events"]
                + ["--timeout", "3", "--connect-timeout", "3"])
        await slowLink.stop()
        #expect(read.code == 0, "\(read.stderr.suffix(400))")
        let objects = jsonObjects(read.stdout)
        #expect(objects.count == 2 && objects.allSatisfy { $0["up"] as? Double == 1 }, "\(read.stdout.suffix(400))")
        #expect(objects.last?["keys"] as? Double == 12)

        // 240 bytes at 10 ms each: 2.4 s, over a 1 s timeout (the handshake's few bytes fit).
        let dribbling = try await FakeRESPServer(
            behavior: .script(Self.redis(info: Self.validInfo)), trickle: .milliseconds(10))
        let started = ContinuousClock.now
        let result = try await CachewatchBinary.run(["check", "-p", String(dribbling.port), "--timeout", "1"])
        await dribbling.stop()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(result.code == 3, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("did not reply within"), "\(result.stdout)")
    }
}
