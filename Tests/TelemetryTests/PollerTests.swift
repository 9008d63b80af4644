import Foundation
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

@Suite("Poller against a real server")
struct PollerTests {
    @Test("a poll reads INFO, new slow-log entries and the PING round trip")
    func pollsEverything() async throws {
        try await withRedisServer(["--slowlog-log-slower-than", "0"]) { server in
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint))
            let sample = await poller.poll()
            let reading = try #require(sample.reading)
            #expect(reading.info?.server.tcpPort == server.port)
            #expect(reading.info?.sectionNames.contains("commandstats") == true)
            #expect(reading.pingRTT != nil)
            #expect(reading.slowlog != nil)
            #expect(reading.unavailable.isEmpty)
            // Counted in the interval the server ran them in: PING, INFO and the handshake's
            // HELLO and PING (counted by the server too) before this INFO; SLOWLOG, after it, in
            // the next poll's.
            #expect(reading.commandsSent == 2 + 2)
            #expect(reading.isNewConnection)
            let second = await poller.poll().reading
            #expect(second?.isNewConnection == false)
            #expect(second?.commandsSent == 2 + 1)
            // Valkey 8.1+: the first poll that knows it reads COMMANDLOG's two large logs, after
            // its INFO: they count in the third.
            let commandLog = reading.info?.server.serverName == "valkey" ? 2 : 0
            let third = await poller.poll().reading
            #expect(third?.commandsSent == 2 + 1 + commandLog)
        }
    }

    @Test("commandstats and latencystats at a slower pace: INFO everything every n-th poll, INFO otherwise")
    func commandStatsPace() async throws {
        try await withRedisServer { server in
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint), commandStatsEvery: 3)
            var carries: [Bool] = []
            for _ in 0..<7 {
                let info = try #require(await poller.poll().reading?.info)
                #expect(info.sectionNames.contains("keyspace") && info.sectionNames.contains("stats"))
                carries.append(info.sectionNames.contains("commandstats"))
            }
            #expect(carries == [true, false, false, true, false, false, true])
        }
    }

    @Test("each slow command appears exactly once across many polls, through a SLOWLOG RESET")
    func slowlogExactlyOnce() async throws {
        try await withRedisServer(["--slowlog-log-slower-than", "0", "--slowlog-max-len", "1024"]) { server in
            let admin = try await server.client()
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint))
            var seen: [String] = []
            var written: [String] = []
            for round in 0..<12 {
                let keys = (0..<(round % 4) * 5).map { "slow:\(round):\($0)" }
                if !keys.isEmpty { _ = try await admin.pipeline(keys.map { RESPCommand("SET", $0, "v") }) }
                written += keys
                if round == 6 {
                    // Entries logged before this reset and not yet polled are lost; poll first.
                    seen += try #require(await poller.poll().reading?.slowlog).entries.filter {
                        $0.commandName == "SET"
                    }
                    .map { String(decoding: $0.arguments[1], as: UTF8.self) }
                    _ = try await admin.send(RESPCommand("SLOWLOG", "RESET"))
                }
                let delta = try #require(await poller.poll().reading?.slowlog)
                seen += delta.entries.filter { $0.commandName == "SET" }.map {
                    String(decoding: $0.arguments[1], as: UTF8.self)
                }
            }
            #expect(seen.count == written.count)
            #expect(Set(seen) == Set(written))
            #expect(seen == written, "reported in the order they ran")
            await admin.close()
        }
    }

    @Test("a command denied by ACL disables only its part")
    func aclDenial() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.send(
                RESPCommand(["ACL", "SETUSER", "watcher", "on", ">pw", "+@all", "-slowlog", "~*"]))
            var endpoint = server.endpoint
            endpoint.username = "watcher"
            endpoint.password = Secret("pw")
            let poller = Poller(connection: ManagedConnection(endpoint: endpoint))
            let reading = try #require(await poller.poll().reading)
            #expect(reading.info != nil)
            #expect(reading.slowlog == nil)
            #expect(reading.unavailable[.slowlog]?.hasPrefix("SLOWLOG denied by ACL: NOPERM") == true)
            // Not sent again: the ACL log records one denial only.
            // The second poll: its PING and INFO, and the first's SLOWLOG (refused, run after
            // the first INFO); the COMMANDLOG reads it adds on Valkey count in the third.
            let second = try #require(await poller.poll().reading)
            #expect(second.commandsSent == 2 + 1)
            let third = try #require(await poller.poll().reading)
            #expect(third.commandsSent == 2 + (reading.info?.server.serverName == "valkey" ? 2 : 0))
            let log = try await admin.send(RESPCommand("ACL", "LOG")).elements ?? []
            #expect(log.count == 1)
            await admin.close()
        }
    }

    @Test("a renamed command is reported as unknown, the rest goes on")
    func renamedCommand() async throws {
        try await withRedisServer(["--rename-command", "SLOWLOG", ""]) { server in
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint))
            let reading = try #require(await poller.poll().reading)
            #expect(reading.info != nil)
            #expect(reading.unavailable[.slowlog]?.contains("unknown to the server") == true)
        }
    }

    @Test("faults become typed one-line poll failures")
    func faults() async throws {
        let garbage = try await FakeRESPServer(behavior: .reply(Array("\u{1}\u{2}garbage\r\n".utf8)))
        let endpoint = Endpoint(address: .tcp(host: "127.0.0.1", port: garbage.port))
        let failure = try #require(await Poller(connection: ManagedConnection(endpoint: endpoint)).poll().failure)
        #expect(failure.kind == .protocolError)
        #expect(!failure.message.contains("\n"))
        await garbage.stop()

        let stall = try await FakeRESPServer(behavior: .stall)
        let stalled = ManagedConnection(
            endpoint: Endpoint(address: .tcp(host: "127.0.0.1", port: stall.port)),
            configuration: ConnectionConfiguration(connectTimeout: .milliseconds(200)))
        let timeout = try #require(await Poller(connection: stalled).poll().failure)
        #expect(timeout.kind == .timeout)
        await stall.stop()
    }
}

@Suite("Poller against older servers")
struct OldServerTests {
    /// Answers like Redis 5: no HELLO, an empty reply to `INFO everything`, text to `INFO all`.
    private static func redis5(_ arguments: [String]) -> [UInt8]? {
        func bulk(_ text: String) -> [UInt8] { Array("$\(text.utf8.count)\r\n\(text)\r\n".utf8) }
        switch arguments.first {
        case "HELLO": return Array("-ERR unknown command 'HELLO'\r\n".utf8)
        case "CLIENT", "PING": return Array("+PONG\r\n".utf8)
        case "INFO" where arguments.dropFirst().first == "EVERYTHING": return bulk("")
        case "INFO":
            return bulk(
                "# Server\r\nredis_version:5.0.14\r\nrun_id:r5\r\n# Stats\r\nkeyspace_hits:3\r\nkeyspace_misses:1\r\n")
        case "SLOWLOG": return Array("*0\r\n".utf8)
        default: return Array("-ERR unknown command\r\n".utf8)
        }
    }

    @Test("RESP2 fallback, and INFO everything steps down to INFO all")
    func infoFallback() async throws {
        let fake = try await FakeRESPServer(behavior: .script(Self.redis5))
        let managed = ManagedConnection(endpoint: Endpoint(address: .tcp(host: "127.0.0.1", port: fake.port)))
        let poller = Poller(connection: managed)
        let first = try #require(await poller.poll().reading)
        #expect(await managed.hello?.protocolVersion == 2)
        #expect(first.info?.server.version == "5.0.14")
        #expect(first.info?.stats.keyspaceHits == 3)
        // PING, INFO everything, then INFO all; and the handshake's HELLO, CLIENT SETNAME, PING.
        // (SLOWLOG, after the first INFO, counts in the next poll.)
        #expect(first.commandsSent == 3 + 3)
        #expect(first.unavailable.isEmpty)
        let second = try #require(await poller.poll().reading)
        #expect(second.commandsSent == 2 + 1)  // INFO all straight away from now on; the last SLOWLOG
        #expect(second.info?.server.version == "5.0.14")
        await fake.stop()
    }
}

@Suite("Slow log across a restart")
struct SlowlogRestartTests {
    @Test("entries logged after a restart are reported once, though their ids start again")
    func restart() async throws {
        try await withRedisServer(["--slowlog-log-slower-than", "0", "--slowlog-max-len", "1024"]) { server in
            let poller = Poller(
                connection: ManagedConnection(
                    endpoint: server.endpoint,
                    backoff: ReconnectBackoff(initial: .milliseconds(20), maximum: .milliseconds(50))))
            func sets(_ delta: SlowlogDelta?) -> [String] {
                (delta?.entries ?? []).filter { $0.commandName == "SET" }.map {
                    String(decoding: $0.arguments[1], as: UTF8.self)
                }
            }
            var seen: [String] = []
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<30).map { RESPCommand("SET", "before:\($0)", "v") })
            await admin.close()
            seen += sets(await poller.poll().reading?.slowlog)
            seen += sets(await poller.poll().reading?.slowlog)
            await server.stop()
            try await server.start()
            let again = try await server.client()
            _ = try await again.pipeline((0..<5).map { RESPCommand("SET", "after:\($0)", "v") })
            await again.close()
            var restarted = false
            #expect(
                try await eventually {
                    guard let delta = await poller.poll().reading?.slowlog else { return false }
                    restarted = restarted || delta.serverRestarted
                    seen += sets(delta)
                    return true
                })
            seen += sets(await poller.poll().reading?.slowlog)
            #expect(restarted)
            #expect(seen == (0..<30).map { "before:\($0)" } + (0..<5).map { "after:\($0)" })
        }
    }

    @Test("Valkey 8.1: large requests and replies from COMMANDLOG, each once, the key kept and the value not")
    func commandLog() async throws {
        try await withRedisServer(
            ["--commandlog-request-larger-than", "10000", "--commandlog-reply-larger-than", "10000"],
            binary: try MatrixServers.valkey81()
        ) { server in
            let admin = try await server.client()
            defer { admin.closeSoon() }
            let value = "SECRETVALUE" + String(repeating: "v", count: 50_000)
            _ = try await admin.send(RESPCommand("SET", "report:daily", value))
            _ = try await admin.send(RESPCommand("GET", "report:daily"))
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint), commandStatsEvery: 3)
            var entries: [CommandLogEntry] = []
            for _ in 0..<4 { entries += (await poller.poll().reading?.commandLog) ?? [] }
            #expect(entries.count == 2, "\(entries)")
            let request = entries.first { $0.kind == .largeRequest }
            let reply = entries.first { $0.kind == .largeReply }
            #expect(request?.command == "SET" && request?.key == Array("report:daily".utf8))
            #expect((request?.bytes ?? 0) > 50_000)
            #expect(reply?.command == "GET" && (reply?.bytes ?? 0) > 50_000)
            #expect(!"\(entries)".contains("SECRETVALUE"))
            // Newer entries only, at the next read.
            _ = try await admin.send(RESPCommand("GET", "report:daily"))
            var later: [CommandLogEntry] = []
            for _ in 0..<3 { later += (await poller.poll().reading?.commandLog) ?? [] }
            #expect(later.map(\.kind) == [.largeReply])
        }
    }
}
