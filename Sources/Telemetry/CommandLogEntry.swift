import RESP

/// A `COMMANDLOG` entry (Valkey 8.1+) of a large request or a large reply: a big value seen in
/// traffic, without scanning. Only the command's name and its first key are kept — the entry's
/// other arguments (values, truncated by the server) are dropped as the reply is read.
public struct CommandLogEntry: Sendable, Hashable {
    /// Which log.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `large-request`: a command whose request was over `commandlog-request-larger-than`.
        case largeRequest = "large-request"
        /// `large-reply`: a command whose reply was over `commandlog-reply-larger-than`.
        case largeReply = "large-reply"
    }

    /// The log.
    public let kind: Kind
    /// The entry's id (grows for the life of the server process, per log).
    public let id: Int64
    /// When the command ran, in seconds since 1970.
    public let time: Int64
    /// The request's or reply's size in bytes.
    public let bytes: Int64
    /// The command's name, in upper case.
    public let command: String
    /// Its first key, for a data command (see ``TrafficCommand``).
    public let key: [UInt8]?
    /// The client's address.
    public let client: String

    /// Creates an entry (a recording read back).
    public init(
        kind: Kind, id: Int64, time: Int64, bytes: Int64, command: String, key: [UInt8]?, client: String
    ) {
        self.kind = kind
        self.id = id
        self.time = time
        self.bytes = bytes
        self.command = command
        self.key = key
        self.client = client
    }

    /// Reads one entry of `COMMANDLOG GET <n> <kind>`: `[id, time, bytes, [args…], addr, name]`.
    public init?(reply: RESPValue, kind: Kind) {
        guard let fields = reply.elements, fields.count >= 5, let id = fields[0].intValue,
            let time = fields[1].intValue, let bytes = fields[2].intValue, let arguments = fields[3].elements,
            let name = arguments.first?.stringValue, !name.isEmpty, name.count <= 32
        else { return nil }
        self.kind = kind
        self.id = id
        self.time = time
        self.bytes = bytes
        command = name.uppercased()
        if TrafficCommand.named(command) != nil, arguments.count > 1, case .bulkString(let buffer) = arguments[1] {
            key = Array(buffer.readableBytesView)
        } else {
            key = nil
        }
        client = fields[4].stringValue ?? ""
    }
}

/// Picks the entries of each `COMMANDLOG GET` reply not reported before, per log; ids going
/// backwards (a restart, `COMMANDLOG RESET` keeps them) start over.
public struct CommandLogTracker: Sendable {
    private var lastSeen: [CommandLogEntry.Kind: Int64] = [:]

    /// Creates a tracker that has seen nothing.
    public init() {}

    /// The entries of `entries` (one log's reply) not seen before, oldest first.
    public mutating func newEntries(in entries: [CommandLogEntry], of kind: CommandLogEntry.Kind) -> [CommandLogEntry] {
        if let last = lastSeen[kind], let newest = entries.map(\.id).max(), newest < last { lastSeen[kind] = nil }
        let fresh = entries.filter { entry in lastSeen[kind].map { entry.id > $0 } ?? true }.sorted { $0.id < $1.id }
        if let newest = fresh.last { lastSeen[kind] = max(lastSeen[kind] ?? newest.id, newest.id) }
        return fresh
    }
}
