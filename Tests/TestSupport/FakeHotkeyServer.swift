/// A scripted server of a version no package here ships — Valkey 9.2 (always-on `HOTKEYS`) or
/// Redis 8.6 (`HOTKEYS` sessions) — answering the commands cachewatch sends with replies built
/// from the commands' documentation (RESP2, as the fake refuses `HELLO`), and recording what it
/// was sent.
public final class FakeHotkeyServer: Sendable {
    /// The server it pretends to be.
    public enum Flavor: Sendable {
        /// Valkey 9.2 with `hotkeys-top-k` at `topK` (0: tracking off).
        case valkey(topK: Int)
        /// Redis 8.6; `sessionRunning`: someone else's session is in progress.
        case redis(sessionRunning: Bool)
        /// Redis 7.0: no `HOTKEYS`.
        case redis7
    }

    /// The fake server.
    public let server: FakeRESPServer
    private let sent: Locked<[[String]]>

    /// The port it listens on.
    public var port: Int { server.port }

    /// The commands received so far, upper-cased, in order.
    public var commands: [[String]] { sent.withLock { $0 } }

    /// Starts a fake of `flavor`; with `refusesHotkeys`, every `HOTKEYS` command is refused as
    /// an ACL without `@admin` refuses it.
    public init(_ flavor: Flavor, refusesHotkeys: Bool = false) async throws {
        let sent = Locked<[[String]]>([])
        self.sent = sent
        server = try await FakeRESPServer(
            behavior: .script { arguments in
                sent.withLock { $0.append(arguments) }
                return Self.reply(to: arguments, flavor: flavor, refusesHotkeys: refusesHotkeys)
            })
    }

    /// Stops it.
    public func stop() async { await server.stop() }

    private static func bulk(_ text: String) -> String { "$\(text.utf8.count)\r\n\(text)\r\n" }
    private static func array(_ items: [String]) -> String { "*\(items.count)\r\n" + items.joined() }

    private static func reply(to arguments: [String], flavor: Flavor, refusesHotkeys: Bool) -> [UInt8] {
        let text: String
        switch (arguments.first ?? "", arguments.dropFirst().first ?? "") {
        case ("HELLO", _): text = "-ERR unknown command 'HELLO'\r\n"
        case ("PING", _): text = "+PONG\r\n"
        case ("CLIENT", _), ("SELECT", _): text = "+OK\r\n"
        case ("INFO", "HOTKEYS"):
            text = bulk("# Hotkeys\r\nhotkeys_last_window_samples:211833\r\nhotkeys_last_window_duration_ms:1022\r\n")
        case ("INFO", _): text = bulk(info(flavor))
        case ("SLOWLOG", _), ("COMMANDLOG", _): text = "*0\r\n"
        case ("SCAN", _): text = array([bulk("0"), "*0\r\n"])
        case ("DBSIZE", _): text = ":0\r\n"
        case ("CONFIG", "GET"):
            guard case .valkey(let topK) = flavor else { text = "*0\r\n"; break }
            if arguments.contains("HOTKEYS-TOP-K") {
                text = array([
                    bulk("hotkeys-top-k"), bulk(String(topK)), bulk("hotkeys-sampling-percentage"), bulk("1"),
                    bulk("hotkeys-window-seconds"), bulk("1"),
                ])
            } else {
                text = "*0\r\n"
            }
        case ("HOTKEYS", _) where refusesHotkeys:
            text = "-NOPERM User monitor has no permissions to run the 'hotkeys|get' command\r\n"
        case ("HOTKEYS", "GET"):
            switch flavor {
            case .valkey(let topK):
                guard topK > 0 else { text = "*0\r\n"; break }
                func entry(_ key: String, _ database: Int, _ qps: Int) -> String {
                    array([bulk("key"), bulk(key), bulk("db"), ":\(database)\r\n", bulk("qps"), ":\(qps)\r\n"])
                }
                text = array([entry("product:8fd21a", 0, 48200), entry("user:42", 3, 900), entry("ghost:1", 0, 12)])
            case .redis:
                text = array([
                    bulk("tracking-active"), ":0\r\n", bulk("sample-ratio"), ":1\r\n", bulk("selected-slots"), "*0\r\n",
                    bulk("all-commands-all-slots-us"), ":9000\r\n", bulk("net-bytes-all-commands-all-slots"),
                    ":500000\r\n", bulk("collection-start-time-unix-ms"), ":1769420604522\r\n",
                    bulk("collection-duration-ms"), ":10000\r\n", bulk("by-cpu-time-us"),
                    array([bulk("catalog:all"), ":5000000\r\n", bulk("user:7"), ":100000\r\n"]),
                    bulk("by-net-bytes"),
                    array([bulk("user:7"), ":300000\r\n", bulk("catalog:all"), ":200000\r\n"]),
                ])
            case .redis7: text = "-ERR unknown command 'HOTKEYS'\r\n"
            }
        case ("HOTKEYS", "START"):
            if case .redis(true) = flavor {
                text = "-ERR hotkeys tracking session already in progress\r\n"
            } else {
                text = "+OK\r\n"
            }
        case ("HOTKEYS", _): text = "+OK\r\n"
        default: text = "-ERR unknown command '\(arguments.first ?? "")'\r\n"
        }
        return Array(text.utf8)
    }

    private static func info(_ flavor: Flavor) -> String {
        let server: String
        switch flavor {
        case .valkey: server = "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:9.2.0\r\n"
        case .redis: server = "redis_version:8.6.0\r\n"
        case .redis7: server = "redis_version:7.0.15\r\n"
        }
        return
            "# Server\r\n\(server)run_id:fake\r\nuptime_in_seconds:100\r\n# Stats\r\nkeyspace_hits:10\r\nkeyspace_misses:1\r\ntotal_commands_processed:20\r\n# Memory\r\nused_memory:1000000\r\nmaxmemory_policy:allkeys-lru\r\n# Replication\r\nrole:master\r\n"
    }
}
