import RESP

/// Which commands a connection may send. Monitoring connections use
/// ``readOnlyMonitoring``: the one allowlist of the project, checked before any byte is written,
/// so no code path can send a write, `KEYS`, or a value read to a production server.
public struct CommandPolicy: Sendable, Hashable {
    /// Allowed command names mapped to their allowed subcommands (`nil`: any arguments).
    private let allowed: [String: Set<String>?]?
    /// Whether the one write of ``monitoringWithEventSetting`` is allowed too.
    private let allowsEventSetting: Bool
    /// Whether `MONITOR` is allowed too (``profiling``).
    private let allowsMonitor: Bool
    /// Whether a `HOTKEYS` session may be started, stopped and reset too (``hotkeySession``).
    private let allowsHotkeySession: Bool

    private init(
        allowed: [String: Set<String>?]?, allowsEventSetting: Bool = false, allowsMonitor: Bool = false,
        allowsHotkeySession: Bool = false
    ) {
        self.allowed = allowed
        self.allowsEventSetting = allowsEventSetting
        self.allowsMonitor = allowsMonitor
        self.allowsHotkeySession = allowsHotkeySession
    }

    /// Read-only metadata commands: never a value, never `KEYS`, never a write.
    public static let readOnlyMonitoring = CommandPolicy(allowed: [
        "PING": nil, "INFO": nil, "HELLO": nil, "AUTH": nil, "SELECT": nil, "DBSIZE": nil,
        "SCAN": nil, "TYPE": nil, "PTTL": nil,
        "STRLEN": nil, "LLEN": nil, "HLEN": nil, "SCARD": nil, "ZCARD": nil, "XLEN": nil,
        "SLOWLOG": ["GET", "LEN"],
        "COMMANDLOG": ["GET", "LEN"],
        "COMMAND": ["INFO"],
        "HOTKEYS": ["GET"],
        "MEMORY": ["USAGE"],
        "OBJECT": ["FREQ", "ENCODING", "IDLETIME"],
        "CLIENT": ["SETNAME", "NO-TOUCH", "ID"],
        "CLUSTER": ["SHARDS", "NODES", "INFO", "MYID", "SLOT-STATS", "GETKEYSINSLOT"],
        "LATENCY": ["LATEST"],
        "CONFIG": ["GET"],
        // Redis Sentinel, for a primary found through it: where it is, its replicas and the
        // other sentinels, its state, whether a failover could be agreed.
        "SENTINEL": ["GET-MASTER-ADDR-BY-NAME", "MASTER", "MASTERS", "REPLICAS", "SENTINELS", "CKQUORUM"],
    ])

    /// The Sentinel channel cachewatch may subscribe to: failovers (`+switch-master`).
    static let sentinelChannels: Set<String> = ["+switch-master"]

    /// The keyevent channel names cachewatch may subscribe to.
    static let keyEventNames: Set<String> = ["evicted", "expired", "del", "overwritten", "new", "keymiss"]

    /// `SUBSCRIBE` to keyevent channels of evictions, expirations, deletions, overwrites, new keys
    /// and misses only (`__keyevent@<db>__:evicted|expired|del|overwritten|new|keymiss`): what
    /// per-namespace events need, nothing else.
    private static func isKeyEventSubscription(_ command: RESPCommand) -> Bool {
        guard command.arguments.count > 1 else { return false }
        return command.arguments.dropFirst().allSatisfy { channel in
            guard let text = String(validating: channel, as: UTF8.self), text.hasPrefix("__keyevent@"),
                let end = text.range(of: "__:")
            else { return false }
            let database = text[text.index(text.startIndex, offsetBy: 11)..<end.lowerBound]
            let event = text[end.upperBound...]
            return !database.isEmpty && database.count < 6 && database.allSatisfy(\.isASCII)
                && database.allSatisfy(\.isNumber) && Self.keyEventNames.contains(String(event))
        }
    }

    /// `SUBSCRIBE +switch-master`: a sentinel's failover announcements, nothing else.
    private static func isSentinelSubscription(_ command: RESPCommand) -> Bool {
        command.arguments.count > 1
            && command.arguments.dropFirst().allSatisfy { channel in
                String(validating: channel, as: UTF8.self).map(sentinelChannels.contains) ?? false
            }
    }

    /// ``readOnlyMonitoring`` and one write: `CONFIG SET notify-keyspace-events <flags>` (flag
    /// letters only). Used only by the connection that turns keyspace events on when the user
    /// asked for it (`--enable-events`) and puts the previous setting back on exit.
    public static let monitoringWithEventSetting = CommandPolicy(allowed: [:], allowsEventSetting: true)

    /// `CONFIG SET notify-keyspace-events` with a value of flag letters, nothing else.
    private static func isEventSetting(_ command: RESPCommand) -> Bool {
        let flagLetters = Set("KEg$lshzxeAtmdno")
        guard command.arguments.count == 4, command.name == "CONFIG", command.subcommand == "SET",
            String(decoding: command.arguments[2], as: UTF8.self).lowercased() == "notify-keyspace-events",
            let value = String(validating: command.arguments[3], as: UTF8.self)
        else { return false }
        return value.count <= flagLetters.count && value.allSatisfy(flagLetters.contains)
    }

    /// ``readOnlyMonitoring`` and `MONITOR`: only for the connection of a profile the user
    /// started (`cachewatch profile`, the dashboard's profile key) — `MONITOR` costs the server
    /// a copy of every command, so it is never sent otherwise.
    public static let profiling = CommandPolicy(allowed: [:], allowsMonitor: true)

    /// ``readOnlyMonitoring`` and a Redis 8.6+ `HOTKEYS` collection session: `HOTKEYS START`
    /// with its documented options and numbers only, `STOP` and `RESET`. Only for the connection
    /// of a session the user asked for (`cachewatch profile --hotkeys`, the dashboard's profile
    /// key on Redis 8.6+): tracking costs the server CPU while it runs and `RESET` frees it.
    public static let hotkeySession = CommandPolicy(allowed: [:], allowsHotkeySession: true)

    /// `HOTKEYS START METRICS n CPU|NET… [COUNT k] [DURATION s] [SAMPLE r]`, `HOTKEYS STOP`,
    /// `HOTKEYS RESET`: nothing else, no key or slot argument.
    private static func isHotkeySessionCommand(_ command: RESPCommand) -> Bool {
        guard command.name == "HOTKEYS", let subcommand = command.subcommand else { return false }
        let rest = command.arguments.dropFirst(2).map { String(decoding: $0, as: UTF8.self).uppercased() }
        switch subcommand {
        case "STOP", "RESET": return rest.isEmpty
        case "START":
            let words: Set<String> = ["METRICS", "CPU", "NET", "COUNT", "DURATION", "SAMPLE"]
            return rest.first == "METRICS"
                && rest.allSatisfy {
                    words.contains($0) || (!$0.isEmpty && $0.count < 10 && $0.allSatisfy { $0.isASCII && $0.isNumber })
                }
        default: return false
        }
    }

    /// Anything: for tests and for the demo workload generator, which are the only writers.
    public static let unrestricted = CommandPolicy(allowed: nil)

    /// Whether `command` may be sent.
    public func permits(_ command: RESPCommand) -> Bool {
        guard let allowed else { return true }
        if allowsEventSetting {
            return Self.isEventSetting(command) || Self.readOnlyMonitoring.permits(command)
        }
        if allowsHotkeySession {
            return Self.isHotkeySessionCommand(command) || Self.readOnlyMonitoring.permits(command)
        }
        if allowsMonitor {
            return (command.name == "MONITOR" && command.arguments.count == 1)
                || Self.readOnlyMonitoring.permits(command)
        }
        if command.name == "SUBSCRIBE" {
            return Self.isKeyEventSubscription(command) || Self.isSentinelSubscription(command)
        }
        guard let entry = allowed[command.name] else { return false }
        guard let subcommands = entry else { return true }
        return command.subcommand.map(subcommands.contains) ?? false
    }
}
