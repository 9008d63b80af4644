import Foundation

/// What one poll of one node produced: a reading, or why there is none.
public struct Sample: Sendable {
    /// The node, as printed (never with a password).
    public var node: String
    /// When the poll started (wall clock, injected by the caller in tests).
    public var time: Date
    /// The reading or the failure.
    public var outcome: Outcome
    /// When the poll ended (its last reply, or its failure): later than ``time`` by the round
    /// trip — by a whole timeout when the server stalled.
    public var finished: Date

    /// A reading or a failure.
    public enum Outcome: Sendable {
        /// The server answered (some parts may still be unavailable).
        case reading(Reading)
        /// The poll failed as a whole: the series get a gap at this time.
        case failure(PollFailure)
    }

    /// Creates a sample; `finished` is `time` unless given.
    public init(node: String, time: Date, outcome: Outcome, finished: Date? = nil) {
        self.node = node
        self.time = time
        self.outcome = outcome
        self.finished = finished ?? time
    }

    /// The reading, if the poll succeeded.
    public var reading: Reading? {
        if case .reading(let reading) = outcome { return reading }
        return nil
    }

    /// The failure, if the poll failed.
    public var failure: PollFailure? {
        if case .failure(let failure) = outcome { return failure }
        return nil
    }
}

/// The parts of a poll that a server can refuse on their own.
public enum PollPart: String, Sendable, Hashable, CaseIterable {
    /// `INFO`.
    case info
    /// `SLOWLOG GET`.
    case slowlog
    /// `PING`.
    case ping
    /// `CLUSTER INFO` (cluster mode only).
    case cluster
    /// `COMMANDLOG GET … large-request|large-reply` (Valkey 8.1+ only).
    case commandLog
    /// `CLUSTER SLOT-STATS` (Redis 8.2+, Valkey 8.0+, cluster mode only).
    case slotStats
    /// `HOTKEYS GET` with its settings (Valkey 9.2+, Redis 8.6+ only).
    case hotkeys
}

/// A successful poll's data.
public struct Reading: Sendable {
    /// The parsed `INFO` reply; `nil` when INFO is unavailable.
    public var info: InfoSnapshot?
    /// Slow-log entries new since the last poll; `nil` when SLOWLOG is unavailable.
    public var slowlog: SlowlogDelta?
    /// `CLUSTER INFO`, on a node in cluster mode; `nil` otherwise or when refused.
    public var cluster: ClusterInfo?
    /// The PING round trip, measured at its reply; `nil` when unavailable.
    public var pingRTT: Duration?
    /// Parts the server refused or does not know, with the reason shown to the user.
    public var unavailable: [PollPart: String]
    /// How many commands this poll sent (so rates can leave cachewatch's own load out).
    public var commandsSent: Int
    /// Whether this poll ran on a new connection (the first, or after a reconnect).
    public var isNewConnection: Bool
    /// cachewatch's load from its other connections (the key sampler) up to this poll, so that
    /// rates and the hit ratio can leave it out; `nil` when nothing else runs.
    public var ownTraffic: OwnTraffic.Counts?
    /// Large requests and replies logged since the last read of `COMMANDLOG` (Valkey 8.1+),
    /// oldest first; empty elsewhere.
    public var commandLog: [CommandLogEntry] = []
    /// The node's hottest hash slots after this poll's page of `CLUSTER SLOT-STATS` (Redis 8.2+,
    /// Valkey 8.0+ in cluster mode); `nil` elsewhere.
    public var hotSlots: SlotActivity.Ranking?
    /// Names of keys in hot slots looked up by this poll (`CLUSTER GETKEYSINSLOT`), by slot: to
    /// be reduced to namespaces at once, never kept.
    public var slotKeys: [Int: [[UInt8]]] = [:]
    /// The hot keys the server measured (`HOTKEYS`, Valkey 9.2+ and Redis 8.6+), when this poll
    /// read them; `nil` elsewhere.
    public var serverHotKeys: ServerHotKeys?

    /// Creates a reading.
    public init(
        info: InfoSnapshot?, slowlog: SlowlogDelta?, pingRTT: Duration?, unavailable: [PollPart: String] = [:],
        commandsSent: Int = 0, isNewConnection: Bool = false, ownTraffic: OwnTraffic.Counts? = nil,
        cluster: ClusterInfo? = nil
    ) {
        self.cluster = cluster
        self.info = info
        self.slowlog = slowlog
        self.pingRTT = pingRTT
        self.unavailable = unavailable
        self.commandsSent = commandsSent
        self.isNewConnection = isNewConnection
        self.ownTraffic = ownTraffic
    }
}

/// Why a poll produced no reading, in one line, with its family.
public struct PollFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The family of the failure.
    public enum Kind: String, Sendable, Hashable {
        /// Unreachable, refused, closed or backing off before the next attempt.
        case connection
        /// No reply within the command timeout.
        case timeout
        /// Credentials refused or missing.
        case authentication
        /// The server sent something that is not RESP, or not what was asked for.
        case protocolError = "protocol"
    }

    /// The family.
    public var kind: Kind
    /// The one-line reason.
    public var message: String

    /// Creates a failure.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The one-line reason.
    public var description: String { message }
}
