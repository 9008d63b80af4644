/// One namespace's traffic over a profile: what `MONITOR` showed of it and, where known, its
/// misses and hit ratio.
public struct NamespaceTraffic: Sendable, Hashable {
    /// The namespace (`user:*:profile`), or ``TrafficProfile/otherNamespace`` past the cap.
    public let namespace: String
    /// Keys looked up by read commands (`MGET a b` is two reads).
    public internal(set) var reads = 0
    /// Keys written (`SET`, `HSET`, `EXPIRE`…).
    public internal(set) var writes = 0
    /// Keys named by `DEL`, `UNLINK`, `GETDEL`.
    public internal(set) var deletes = 0
    /// Reads that missed: counted from keymiss events, or inferred (see ``TrafficProfile``).
    public internal(set) var misses = 0
    /// The most used commands and how often.
    public internal(set) var topCommands: [(name: String, count: Int)] = []
    /// The most used keys (by reads, writes and deletes) and how often, at least (see
    /// ``TopCounter``).
    public internal(set) var topKeys: [(key: [UInt8], count: Int)] = []

    /// hits / reads: `1 − misses/reads`, at least 0; `nil` without reads.
    public var hitRatio: Double? {
        guard reads > 0 else { return nil }
        return max(0, 1 - Double(misses) / Double(reads))
    }

    /// Creates an empty tally for `namespace`.
    public init(namespace: String) { self.namespace = namespace }

    /// Creates a tally from its figures (a recording's decoder, tests).
    public init(
        namespace: String, reads: Int, writes: Int, deletes: Int, misses: Int,
        topCommands: [(name: String, count: Int)], topKeys: [(key: [UInt8], count: Int)]
    ) {
        self.namespace = namespace
        self.reads = reads
        self.writes = writes
        self.deletes = deletes
        self.misses = misses
        self.topCommands = topCommands
        self.topKeys = topKeys
    }

    /// Equal when every figure is.
    public static func == (lhs: NamespaceTraffic, rhs: NamespaceTraffic) -> Bool {
        lhs.namespace == rhs.namespace && lhs.reads == rhs.reads && lhs.writes == rhs.writes
            && lhs.deletes == rhs.deletes && lhs.misses == rhs.misses
            && lhs.topCommands.map(\.name) == rhs.topCommands.map(\.name)
            && lhs.topCommands.map(\.count) == rhs.topCommands.map(\.count)
            && lhs.topKeys.map(\.key) == rhs.topKeys.map(\.key) && lhs.topKeys.map(\.count) == rhs.topKeys.map(\.count)
    }

    /// Hashes the namespace and counts.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(namespace)
        hasher.combine(reads)
        hasher.combine(writes)
        hasher.combine(deletes)
        hasher.combine(misses)
    }
}
