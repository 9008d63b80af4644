import RESP

/// One hash slot's figures from `CLUSTER SLOT-STATS` (Redis 8.2+, Valkey 8.0+). The counters
/// are cumulative since the server started (or the slot came to it); `cpu-usec` and the
/// network bytes are kept only with `cluster-slot-stats-enabled yes`, `key-count` always.
public struct SlotStatsEntry: Sendable, Hashable {
    /// The hash slot, 0–16383.
    public let slot: Int
    /// Keys in the slot.
    public let keyCount: Int64
    /// Microseconds of command execution spent on the slot's keys; `nil` when not kept.
    public let cpuMicroseconds: Int64?
    /// Bytes of requests for the slot's keys; `nil` when not kept.
    public let networkBytesIn: Int64?
    /// Bytes of replies for the slot's keys; `nil` when not kept.
    public let networkBytesOut: Int64?

    /// The number of hash slots of a cluster.
    public static let slotCount = 16_384

    /// Creates an entry.
    public init(
        slot: Int, keyCount: Int64, cpuMicroseconds: Int64? = nil, networkBytesIn: Int64? = nil,
        networkBytesOut: Int64? = nil
    ) {
        self.slot = slot
        self.keyCount = keyCount
        self.cpuMicroseconds = cpuMicroseconds
        self.networkBytesIn = networkBytesIn
        self.networkBytesOut = networkBytesOut
    }

    /// Reads one element of the reply: `[slot, {key-count: n, cpu-usec: n, …}]` (a map in RESP3,
    /// a flat list of names and values in RESP2). `nil` for anything else: a slot out of range,
    /// a negative or missing key count, a field that is not a number.
    public init?(reply: RESPValue) {
        guard let parts = reply.withoutAttributes.elements, parts.count == 2, let slot = parts[0].intValue,
            (0..<Int64(Self.slotCount)).contains(slot), let fields = parts[1].withoutAttributes.elements,
            fields.count.isMultiple(of: 2), fields.count <= 32
        else { return nil }
        var values: [String: Int64] = [:]
        for index in stride(from: 0, to: fields.count, by: 2) {
            guard let name = fields[index].stringValue, let value = fields[index + 1].intValue, value >= 0 else {
                return nil
            }
            values[name.lowercased()] = value
        }
        guard let keys = values["key-count"] else { return nil }
        self.init(
            slot: Int(slot), keyCount: keys, cpuMicroseconds: values["cpu-usec"],
            networkBytesIn: values["network-bytes-in"], networkBytesOut: values["network-bytes-out"])
    }
}
