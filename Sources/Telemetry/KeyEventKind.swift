/// A keyspace event cachewatch counts per namespace, as Redis publishes it on a keyevent
/// channel (`__keyevent@<db>__:<name>`) when `notify-keyspace-events` has `E` and its flag.
public enum KeyEventKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A key evicted under `maxmemory` (flag `e`).
    case evicted
    /// A key that expired (flag `x`).
    case expired
    /// A read of a key that does not exist (flag `m`, not part of `A`).
    case keymiss

    /// The `notify-keyspace-events` flag that publishes it.
    public var flag: Character {
        switch self {
        case .evicted: "e"
        case .expired: "x"
        case .keymiss: "m"
        }
    }

    /// The keyevent channel of database `database`.
    public func channel(database: Int) -> String { "__keyevent@\(database)__:\(rawValue)" }

    /// The kind a keyevent channel name carries, if it is one of these.
    public init?(channel: [UInt8]) {
        guard let colon = channel.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        self.init(rawValue: String(decoding: channel[(colon + 1)...], as: UTF8.self))
    }

    /// Orders as declared.
    public static func < (lhs: KeyEventKind, rhs: KeyEventKind) -> Bool { lhs.order < rhs.order }

    private var order: Int {
        switch self {
        case .evicted: 0
        case .expired: 1
        case .keymiss: 2
        }
    }
}
