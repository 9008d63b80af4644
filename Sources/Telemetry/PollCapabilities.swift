import Foundation

/// What a poller knows of its server: what it has (learnt from `INFO`), which `INFO` section
/// argument it understands, and the parts it refused (ACL, renamed or unknown commands) with
/// the reason shown to the user. A ``PollPlan`` asks only for what these allow.
public struct PollCapabilities: Sendable, Equatable {
    /// In cluster mode (`cluster_enabled:1`): polls add `CLUSTER INFO`.
    public var isCluster = false
    /// Valkey 8.1+: polls that read every section also read `COMMANDLOG`.
    public var hasCommandLog = false
    /// Whether `COMMANDLOG` was read once already (the first poll that knows it reads it).
    public var commandLogRead = false
    /// Redis 8.2+ or Valkey 8.0+: cluster polls add a page of `CLUSTER SLOT-STATS`.
    public var hasSlotStats = false
    /// Which `HOTKEYS` the server has (Valkey 9.2+, Redis 8.6+), if any.
    public var hotkeyDialect: ServerHotKeys.Source?
    /// The `INFO` section arguments left to try for every section, best first (`nil`: plain
    /// `INFO`); an old server that does not know one steps down to the next.
    public var infoSections: [String?] = ["everything", "all", nil]
    /// Parts the server refused, with the reason.
    public var refused: [PollPart: String] = [:]

    /// Knows nothing yet: plain Redis, not in cluster mode, nothing refused.
    public init() {}

    /// Entries asked of each `COMMANDLOG` (Valkey keeps 128 by default; the tracker reports each
    /// once).
    public static let commandLogCount = 32

    /// Keys whose names `CLUSTER GETKEYSINSLOT` asks for per hot slot: every key of a slot of a
    /// million-key cluster (about 61 per slot), at a cost of a few microseconds.
    public static let keysPerHotSlot = 128

    /// The section argument for every section (`everything`, else `all`, else none).
    public var infoSection: String? { infoSections.first ?? nil }

    /// Whether `part` is still asked (not refused).
    public func asks(_ part: PollPart) -> Bool { refused[part] == nil }

    /// Learns from an `INFO` reply what the server has.
    public mutating func learn(from info: InfoSnapshot) {
        hasCommandLog = Self.hasCommandLog(info)
        hasSlotStats = Self.hasSlotStats(info)
        hotkeyDialect = Self.hotkeyDialect(info)
    }

    /// Which `HOTKEYS` a server has: Valkey 9.2+ its always-on windows, Redis 8.6+ its
    /// collection sessions; `nil` before those.
    public static func hotkeyDialect(_ info: InfoSnapshot) -> ServerHotKeys.Source? {
        let release = KeyEventKind.release(of: info.server.version)
        if info.server.serverName.lowercased() == "valkey" { return release >= (9, 2) ? .valkeyWindow : nil }
        return release >= (8, 6) ? .redisSession : nil
    }

    /// Whether the server has `CLUSTER SLOT-STATS` (Redis 8.2+, Valkey 8.0+).
    public static func hasSlotStats(_ info: InfoSnapshot) -> Bool {
        let release = KeyEventKind.release(of: info.server.version)
        return info.server.serverName.lowercased() == "valkey" ? release >= (8, 0) : release >= (8, 2)
    }

    /// Whether the server has `COMMANDLOG` (Valkey 8.1+).
    public static func hasCommandLog(_ info: InfoSnapshot) -> Bool {
        guard info.server.serverName.lowercased() == "valkey" else { return false }
        return KeyEventKind.release(of: info.server.version) >= (8, 1)
    }
}
