import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

@Suite("Connection to a real redis-server")
struct RedisConnectionTests {
    @Test("HELLO 3 gives RESP3 and names the client")
    func helloAndName() async throws {
        try await withRedisServer { server in
            let connection = try await RedisConnection.connect(to: server.endpoint)
            #expect(connection.protocolVersion == 3)
            #expect(["redis", "valkey"].contains(connection.hello.server))
            #expect(connection.hello.version?.isEmpty == false)
            let admin = try await server.client()
            let clients = try await admin.send(RESPCommand("CLIENT", "LIST")).stringValue ?? ""
            #expect(clients.contains("name=cachewatch"))
            await connection.close()
            await admin.close()
        }
    }

    @Test("falls back to RESP2 with AUTH when HELLO is unknown")
    func fallsBackToRESP2() async throws {
        try await withRedisServer(["--rename-command", "HELLO", "", "--requirepass", "pw"]) { server in
            var endpoint = server.endpoint
            endpoint.password = Secret("pw")
            endpoint.database = 2
            let connection = try await RedisConnection.connect(to: endpoint)
            #expect(connection.protocolVersion == 2)
            // RESP2 maps come back as flat arrays; the SELECT of database 2 took effect.
            let admin = try await server.client(password: "pw")
            let clients = try await admin.send(RESPCommand("CLIENT", "LIST")).stringValue ?? ""
            #expect(clients.contains("name=cachewatch"))
            #expect(clients.contains("db=2"))
            await connection.close()
            await admin.close()
        }
    }

    @Test("pipelines keep order and a server error fails only its command")
    func pipelining() async throws {
        try await withRedisServer { server in
            let connection = try await server.client()
            var commands = (0..<200).map { RESPCommand("ECHO", "m\($0)") }
            commands.insert(RESPCommand("SET", "text", "abc"), at: 50)
            commands.insert(RESPCommand("INCR", "text"), at: 51)
            let replies = try await connection.pipeline(commands)
            #expect(replies.count == 202)
            #expect(replies[0].value.stringValue == "m0")
            #expect(replies[201].value.stringValue == "m199")
            #expect(replies[52].value.stringValue == "m50")
            guard case .failure(let error) = replies[51].result else {
                Issue.record("INCR on a string should fail")
                return
            }
            #expect(error.code == "ERR")
            #expect(connection.isActive)
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            await connection.close()
        }
    }

    @Test("credentials: wrong password, missing password, ACL user")
    func authentication() async throws {
        try await withRedisServer(["--requirepass", "right"]) { server in
            let admin = try await server.client(password: "right")
            _ = try await admin.send(RESPCommand("ACL", "SETUSER", "watcher", "on", ">wpass", "+@all", "~*"))

            var wrong = server.endpoint
            wrong.password = Secret("not-it")
            let wrongError = await #expect(throws: RedisConnectionError.self) {
                try await RedisConnection.connect(to: wrong)
            }
            #expect(wrongError?.isAuthentication == true)
            #expect(wrongError?.description.contains("WRONGPASS") == true)
            #expect(wrongError?.description.contains("not-it") == false)

            let missing = await #expect(throws: RedisConnectionError.self) {
                try await RedisConnection.connect(to: server.endpoint)
            }
            #expect(missing?.description.contains("requires a password") == true)

            var user = server.endpoint
            user.username = "watcher"
            user.password = Secret("wpass")
            let connection = try await RedisConnection.connect(to: user)
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            await connection.close()
            await admin.close()
        }
    }

    @Test("the read-only policy refuses writes before sending them")
    func readOnlyPolicy() async throws {
        try await withRedisServer { server in
            let connection = try await RedisConnection.connect(to: server.endpoint)
            let error = await #expect(throws: RedisConnectionError.self) {
                try await connection.pipeline([RESPCommand("PING"), RESPCommand("SET", "k", "v")])
            }
            #expect(error?.description.contains("SET") == true)
            #expect(connection.isActive)
            let admin = try await server.client()
            #expect(try await admin.send(RESPCommand("EXISTS", "k")) == .integer(0))
            for allowed in [
                RESPCommand("INFO", "everything"), RESPCommand("SLOWLOG", "GET", "1"), RESPCommand("DBSIZE"),
                RESPCommand("SUBSCRIBE", "__keyevent@0__:evicted", "__keyevent@12__:keymiss"),
                RESPCommand("SUBSCRIBE", "__keyevent@0__:del", "__keyevent@0__:overwritten", "__keyevent@0__:new"),
                RESPCommand("SUBSCRIBE", "+switch-master"), RESPCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m"),
                RESPCommand("SENTINEL", "REPLICAS", "m"), RESPCommand("SENTINEL", "SENTINELS", "m"),
                RESPCommand("SENTINEL", "MASTER", "m"), RESPCommand("SENTINEL", "MASTERS"),
                RESPCommand("SENTINEL", "CKQUORUM", "m"),
            ] {
                #expect(CommandPolicy.readOnlyMonitoring.permits(allowed))
            }
            for refused in [
                RESPCommand("KEYS", "*"), RESPCommand("GET", "k"), RESPCommand("CONFIG", "SET", "a", "b"),
                RESPCommand("SLOWLOG", "RESET"), RESPCommand("FLUSHALL"), RESPCommand("DEBUG", "SLEEP", "1"),
                RESPCommand("SUBSCRIBE", "news"), RESPCommand("SUBSCRIBE", "__keyevent@0__:evicted", "orders"),
                RESPCommand("SUBSCRIBE", "__keyevent@x__:expired"), RESPCommand("SUBSCRIBE"),
                RESPCommand("PSUBSCRIBE", "__keyevent@*__:*"), RESPCommand("PUBLISH", "c", "m"),
                RESPCommand("SUBSCRIBE", "__keyevent@0__:set"), RESPCommand("SUBSCRIBE", "__keyspace@0__:del"),
                RESPCommand("SENTINEL", "FAILOVER", "m"), RESPCommand("SENTINEL", "SET", "m", "quorum", "1"),
                RESPCommand("SENTINEL", "RESET", "*"), RESPCommand("SENTINEL", "REMOVE", "m"),
                RESPCommand("SENTINEL", "CONFIG", "SET", "a", "b"), RESPCommand("SENTINEL", "FLUSHCONFIG"),
                RESPCommand("SUBSCRIBE", "+switch-master", "+sdown"), RESPCommand("SUBSCRIBE", "__sentinel__:hello"),
            ] {
                #expect(!CommandPolicy.readOnlyMonitoring.permits(refused), "\(refused)")
            }
            // --enable-events' connection: the read-only list plus exactly one setting.
            let eventSetting = CommandPolicy.monitoringWithEventSetting
            #expect(
                !CommandPolicy.readOnlyMonitoring.permits(RESPCommand("CONFIG", "SET", "notify-keyspace-events", "Ex")))
            for allowed in [
                RESPCommand("CONFIG", "SET", "notify-keyspace-events", "KgEexm"),
                RESPCommand("config", "set", "NOTIFY-KEYSPACE-EVENTS", ""), RESPCommand("INFO", "stats"),
                RESPCommand("SUBSCRIBE", "__keyevent@0__:evicted"),
            ] {
                #expect(eventSetting.permits(allowed), "\(allowed)")
            }
            for refused in [
                RESPCommand("CONFIG", "SET", "maxmemory", "1"),
                RESPCommand("CONFIG", "SET", "notify-keyspace-events", "E x"),
                RESPCommand("CONFIG", "SET", "notify-keyspace-events", "Ex", "maxmemory", "1"),
                RESPCommand("CONFIG", "SET", "notify-keyspace-events"), RESPCommand("CONFIG", "REWRITE"),
                RESPCommand("SET", "k", "v"), RESPCommand("KEYS", "*"),
            ] {
                #expect(!eventSetting.permits(refused), "\(refused)")
            }
            await connection.close()
            await admin.close()
        }
    }

    @Test("connection refused and a missing socket are one-line connection errors")
    func unreachable() async throws {
        let port = try FreePort.next()
        let refused = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(to: Endpoint(address: .tcp(host: "127.0.0.1", port: port)))
        }
        #expect(refused?.description == "cannot connect to 127.0.0.1:\(port): connection refused")
        let missing = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(to: Endpoint(address: .unix(path: "/nonexistent/redis.sock")))
        }
        #expect(missing?.description == "cannot connect to unix:/nonexistent/redis.sock: no such socket file")
    }

    @Test("unix sockets work")
    func unixSocket() async throws {
        let path = "/tmp/cachewatch-test-\(UInt32.random(in: 0...UInt32.max)).sock"
        try await withRedisServer(["--unixsocket", path, "--unixsocketperm", "700"]) { server in
            let connection = try await RedisConnection.connect(to: try Endpoint(url: "unix://\(path)"))
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            await connection.close()
        }
    }
}

@Suite("Subscriptions")
struct SubscriptionTests {
    @Test("RESP3: SUBSCRIBE confirms each channel, messages go to the push handler, other commands keep working")
    func pushes() async throws {
        try await withRedisServer { server in
            let received = Locked<[RESPValue]>([])
            let connection = try await RedisConnection.connect(
                to: server.endpoint, onPush: { push in received.withLock { $0.append(push) } })
            let confirmations = try await connection.subscribe(["__keyevent@0__:expired", "__keyevent@0__:evicted"])
            #expect(confirmations.count == 2)
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG", "still usable")
            let admin = try await server.client()
            _ = try await admin.send(RESPCommand("CONFIG", "SET", "notify-keyspace-events", "Ex"))
            _ = try await admin.send(RESPCommand("SET", "k", "v", "PX", "1"))
            #expect(try await eventually { received.withLock { !$0.isEmpty } })
            let push = try #require(received.withLock { $0.first })
            #expect(push.elements?.compactMap(\.stringValue) == ["message", "__keyevent@0__:expired", "k"])
            await connection.close()
            await admin.close()
        }
    }

    @Test("a channel outside the keyevent allowlist is refused before anything is sent")
    func refused() async throws {
        try await withRedisServer { server in
            let connection = try await RedisConnection.connect(to: server.endpoint)
            await #expect(throws: RedisConnectionError.self) { try await connection.subscribe(["news"]) }
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            await connection.close()
        }
    }
}
