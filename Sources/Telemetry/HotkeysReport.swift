import RESP
import RedisClient

/// The result of a `HOTKEYS` tracking session (Redis 8.6+), as `HOTKEYS GET` reports it: the
/// keys that took the most CPU time and network bytes while the session ran. cachewatch only
/// reads a session someone started (`HOTKEYS START` allocates and replaces server state: not
/// read-only); it never starts, stops or resets one.
public struct HotkeysReport: Sendable, Hashable {
    /// One key of a ranking and its share of the metric.
    public struct Entry: Sendable, Hashable {
        /// The key, byte for byte.
        public let key: [UInt8]
        /// CPU microseconds, or network bytes.
        public let value: Int64
    }

    /// Whether the session is still tracking.
    public let isActive: Bool
    /// Keys were tracked with probability 1/`sampleRatio`.
    public let sampleRatio: Int64?
    /// How long the session has tracked, in milliseconds.
    public let durationMilliseconds: Int64?
    /// CPU microseconds spent on every command of the tracked slots.
    public let allCommandsMicroseconds: Int64?
    /// Network bytes of every command of the tracked slots.
    public let allCommandsNetworkBytes: Int64?
    /// The keys by CPU time, most first (empty unless the session tracks CPU).
    public let byCPUMicroseconds: [Entry]
    /// The keys by network bytes, most first (empty unless the session tracks NET).
    public let byNetworkBytes: [Entry]

    /// Reads a `HOTKEYS GET` reply: pairs of field names and values (a RESP2 array or a RESP3
    /// map); `nil` for a null reply (no session) or anything else. Unknown fields are skipped.
    public init?(reply: RESPValue) {
        var fields: [String: RESPValue] = [:]
        switch reply.withoutAttributes {
        case .map(let pairs):
            for pair in pairs { if let name = pair.key.stringValue { fields[name] = pair.value } }
        case .array(let values) where values.count.isMultiple(of: 2):
            for index in stride(from: 0, to: values.count, by: 2) {
                if let name = values[index].stringValue { fields[name] = values[index + 1] }
            }
        default:
            return nil
        }
        guard let active = fields["tracking-active"]?.intValue else { return nil }
        isActive = active != 0
        sampleRatio = fields["sample-ratio"]?.intValue
        durationMilliseconds = fields["collection-duration-ms"]?.intValue
        allCommandsMicroseconds = fields["all-commands-all-slots-us"]?.intValue
        allCommandsNetworkBytes = fields["net-bytes-all-commands-all-slots"]?.intValue
        byCPUMicroseconds = Self.ranking(fields["by-cpu-time-us"])
        byNetworkBytes = Self.ranking(fields["by-net-bytes"])
    }

    /// A ranking: key, value, key, value… (or a map of key to value), most first.
    private static func ranking(_ value: RESPValue?) -> [Entry] {
        guard let value else { return [] }
        var pairs: [(RESPValue, RESPValue)] = []
        switch value.withoutAttributes {
        case .map(let items): pairs = items.map { ($0.key, $0.value) }
        case .array(let items) where items.count.isMultiple(of: 2):
            pairs = stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
        default: return []
        }
        return pairs.compactMap { key, number in
            guard let value = number.intValue else { return nil }
            switch key.withoutAttributes {
            case .bulkString(let buffer): return Entry(key: Array(buffer.readableBytesView), value: value)
            case .simpleString(let text): return Entry(key: Array(text.utf8), value: value)
            default: return nil
            }
        }
        .sorted { $0.value > $1.value }
    }

    /// Reads the newest session's result on `connection`, where the server has `HOTKEYS`
    /// (asked with `COMMAND INFO HOTKEYS`); `nil` where it has none, has no session, or
    /// refuses either command.
    public static func read(on connection: RedisConnection) async -> HotkeysReport? {
        guard let info = try? await connection.send(RESPCommand("COMMAND", "INFO", "HOTKEYS")),
            let entry = info.elements?.first, !entry.isNull, entry.elements != nil,
            let reply = try? await connection.send(RESPCommand("HOTKEYS", "GET"))
        else { return nil }
        return HotkeysReport(reply: reply)
    }
}
