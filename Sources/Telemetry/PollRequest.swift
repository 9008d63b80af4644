import RESP

/// One request of a poll: what it asks the server, as a value. A poll is a ``PollPlan`` of them,
/// and each reply is found by its request, never by its place in the pipeline.
public enum PollRequest: Sendable, Hashable {
    /// `PING`: the round trip.
    case ping
    /// `INFO` with a section argument (`everything`, `all`), or the default sections (`nil`).
    case info(section: String?)
    /// `SLOWLOG GET count`.
    case slowlog(count: Int)
    /// `CLUSTER INFO`.
    case clusterInfo
    /// `COMMANDLOG GET count kind` (Valkey 8.1+).
    case commandLog(CommandLogEntry.Kind, count: Int)
    /// `CLUSTER SLOT-STATS SLOTSRANGE first last` (Redis 8.2+, Valkey 8.0+).
    case slotStats(ClosedRange<Int>)
    /// `CLUSTER GETKEYSINSLOT slot count`: the names of a hot slot's keys.
    case slotKeys(slot: Int, count: Int)
    /// `HOTKEYS GET` (Valkey 9.2+: the last window's hot keys; Redis 8.6+: a session's).
    case hotkeys
    /// `INFO hotkeys` (Valkey 9.2+): the last window's length and samples.
    case hotkeysInfo
    /// `CONFIG GET hotkeys-top-k hotkeys-sampling-percentage hotkeys-window-seconds` (Valkey
    /// 9.2+): whether tracking is on, and how.
    case hotkeysSettings

    /// The command sent.
    public var command: RESPCommand {
        switch self {
        case .ping: RESPCommand("PING")
        case .info(let section): section.map { RESPCommand("INFO", $0) } ?? RESPCommand("INFO")
        case .slowlog(let count): RESPCommand("SLOWLOG", "GET", String(count))
        case .clusterInfo: RESPCommand("CLUSTER", "INFO")
        case .commandLog(let kind, let count): RESPCommand("COMMANDLOG", "GET", String(count), kind.rawValue)
        case .slotStats(let range):
            RESPCommand("CLUSTER", "SLOT-STATS", "SLOTSRANGE", String(range.lowerBound), String(range.upperBound))
        case .slotKeys(let slot, let count): RESPCommand("CLUSTER", "GETKEYSINSLOT", String(slot), String(count))
        case .hotkeys: RESPCommand("HOTKEYS", "GET")
        case .hotkeysInfo: RESPCommand("INFO", "hotkeys")
        case .hotkeysSettings: RESPCommand(["CONFIG", "GET"] + ValkeyHotkeySettings.parameters)
        }
    }

    /// The part of the poll a refusal of this request turns off (`nil`: a refusal is ignored —
    /// a hot slot's key names are an extra).
    public var part: PollPart? {
        switch self {
        case .ping: .ping
        case .info: .info
        case .slowlog: .slowlog
        case .clusterInfo: .cluster
        case .commandLog: .commandLog
        case .slotStats: .slotStats
        case .slotKeys: nil
        case .hotkeys, .hotkeysInfo, .hotkeysSettings: .hotkeys
        }
    }
}
