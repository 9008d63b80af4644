/// A keyspace event cachewatch counts per namespace, as Redis publishes it on a keyevent
/// channel (`__keyevent@<db>__:<name>`) when `notify-keyspace-events` has `E` and its flag.
public enum KeyEventKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A key evicted under `maxmemory` (flag `e`).
    case evicted
    /// A key that expired (flag `x`).
    case expired
    /// A key deleted by a command: `DEL`, `UNLINK`, `GETDEL`… (flag `g`, which also publishes
    /// `expire` on every `SET … EX` — not subscribed to, but built by the server).
    case deleted = "del"
    /// A key whose value was replaced by a write (`SET` on an existing key…; flag `o`, Redis 8.2+).
    case overwritten
    /// A key added to the keyspace (flag `n`, Redis 7.0+ and Valkey; not part of `A`).
    case created = "new"
    /// A read of a key that does not exist (flag `m`, not part of `A`).
    case keymiss

    /// The `notify-keyspace-events` flag that publishes it.
    public var flag: Character {
        switch self {
        case .evicted: "e"
        case .expired: "x"
        case .deleted: "g"
        case .overwritten: "o"
        case .created: "n"
        case .keymiss: "m"
        }
    }

    /// A short name for tables and notices: `evicted`, `expired`, `deleted`, `overwritten`,
    /// `new`, `keymiss`.
    public var name: String { self == .deleted ? "deleted" : rawValue }

    /// The keyevent channel of database `database`.
    public func channel(database: Int) -> String { "__keyevent@\(database)__:\(rawValue)" }

    /// The kind a keyevent channel name carries, if it is one of these.
    public init?(channel: [UInt8]) {
        guard let colon = channel.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        self.init(rawValue: String(decoding: channel[(colon + 1)...], as: UTF8.self))
    }

    /// Whether a server (`HELLO`'s `server` and `version`) can publish it: `new` needs Redis
    /// 7.0+ (every Valkey has it), `overwritten` Redis 8.2+; an unknown server is assumed to
    /// have the older kinds only.
    public func isPublishable(server: String?, version: String?) -> Bool {
        let release = Self.release(of: version)
        let isValkey = server?.lowercased() == "valkey"
        switch self {
        case .evicted, .expired, .deleted, .keymiss: return true
        case .created: return isValkey || release >= (7, 0)
        case .overwritten: return !isValkey && release >= (8, 2)
        }
    }

    /// A version's major and minor numbers (`8.2.3` → (8, 2)); (0, 0) when unknown.
    static func release(of version: String?) -> (Int, Int) {
        let numbers = (version ?? "").split(separator: ".").compactMap { Int($0) }
        return (numbers.first ?? 0, numbers.count > 1 ? numbers[1] : 0)
    }

    /// The kinds a server (`HELLO`'s `server` and `version`) can publish.
    public static func publishable(server: String?, version: String?) -> Set<KeyEventKind> {
        Set(allCases.filter { $0.isPublishable(server: server, version: version) })
    }

    /// Whether cachewatch asks for it when it turns events on (`--enable-events`) or says how
    /// to, on a node whose setting is now `flags`: every kind but new keys, and overwrites only
    /// where the setting has no `A`. Beside `A`, `CONFIG GET` leaves out `n` (Redis 7.0) and `o`
    /// (Redis 8.2: `AKEmo` reads back `AKEm` yet publishes overwrites) — a setting read back and
    /// put back on exit could lose them, and one turned on could not be seen to be on.
    public func isEnabledOnRequest(beside flags: KeyspaceEventFlags) -> Bool {
        switch self {
        case .created: false
        case .overwritten: !flags.text.contains("A")
        case .evicted, .expired, .deleted, .keymiss: true
        }
    }

    /// The column of the kind in per-kind tables (declaration order); read for every event, so
    /// a switch rather than a search of `allCases`.
    public var index: Int {
        switch self {
        case .evicted: 0
        case .expired: 1
        case .deleted: 2
        case .overwritten: 3
        case .created: 4
        case .keymiss: 5
        }
    }

    /// Orders as declared.
    public static func < (lhs: KeyEventKind, rhs: KeyEventKind) -> Bool { lhs.index < rhs.index }
}
