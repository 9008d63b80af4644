import RESP
import RedisClient

/// The requests of one poll, in pipeline order, chosen from what the server can answer
/// (``PollCapabilities``) and what this poll needs; once sent, ``replies(_:)`` pairs each reply
/// with its request.
public struct PollPlan: Sendable {
    /// The requests, in the order they are sent.
    public private(set) var requests: [PollRequest] = []

    /// An empty plan.
    public init() {}

    /// The plan of a poll: `PING`, `INFO` (every section when `everything`), `SLOWLOG GET`, and
    /// what the server's capabilities add — `CLUSTER INFO` in cluster mode, `COMMANDLOG` on
    /// Valkey 8.1+ (with every section, and once at the first chance), a page of slot
    /// statistics and the key names of hot slots where the server keeps them. A part the
    /// server refused is not asked again.
    ///
    /// - Parameters:
    ///   - capabilities: what the server has and has refused.
    ///   - everything: whether this poll reads `INFO everything` (commandstats, latencystats).
    ///   - slowlogCount: entries asked of `SLOWLOG GET`.
    ///   - slotRange: the page of slots to read, if slot statistics are read.
    ///   - hotSlots: slots whose key names to look up (with the slot statistics only).
    public init(
        capabilities: PollCapabilities, everything: Bool, slowlogCount: Int, slotRange: ClosedRange<Int>,
        hotSlots: [Int]
    ) {
        add(.ping)
        if capabilities.asks(.info) { add(.info(section: everything ? capabilities.infoSection : nil)) }
        if capabilities.asks(.slowlog) { add(.slowlog(count: slowlogCount)) }
        if capabilities.isCluster && capabilities.asks(.cluster) { add(.clusterInfo) }
        if capabilities.hasCommandLog && capabilities.asks(.commandLog)
            && (everything || !capabilities.commandLogRead)
        {
            for kind in CommandLogEntry.Kind.allCases {
                add(.commandLog(kind, count: PollCapabilities.commandLogCount))
            }
        }
        if capabilities.isCluster && capabilities.hasSlotStats && capabilities.asks(.slotStats) {
            add(.slotStats(slotRange))
            for slot in hotSlots { add(.slotKeys(slot: slot, count: PollCapabilities.keysPerHotSlot)) }
        }
    }

    /// Adds a request at the end.
    public mutating func add(_ request: PollRequest) { requests.append(request) }

    /// The commands, in order.
    public var commands: [RESPCommand] { requests.map(\.command) }

    /// Whether the plan holds `request`.
    public func contains(_ request: PollRequest) -> Bool { requests.contains(request) }

    /// The requests sent after the `INFO`: the server runs them after it, so they belong to the
    /// next interval's command count (0 without an `INFO`).
    public var countAfterInfo: Int {
        guard let info = requests.firstIndex(where: { $0.part == .info }) else { return 0 }
        return requests.count - info - 1
    }

    /// The replies of the pipeline, each with its request.
    public func replies(_ replies: [PipelineReply]) -> PollReplies {
        PollReplies(pairs: Dictionary(zip(requests, replies)) { first, _ in first })
    }
}

/// The replies of a sent ``PollPlan``, by request.
public struct PollReplies: Sendable {
    fileprivate let pairs: [PollRequest: PipelineReply]

    /// The reply to `request`, or `nil` when it was not asked.
    public subscript(_ request: PollRequest) -> PipelineReply? { pairs[request] }

    /// The error replies among them: how many the server refused (ACL, a renamed or unknown
    /// command: they never ran) and how many ran and failed.
    public var errors: (refused: Int, failed: Int) {
        var counts = (refused: 0, failed: 0)
        for reply in pairs.values {
            guard case .failure(let error) = reply.result else { continue }
            if error.isRefusal { counts.refused += 1 } else { counts.failed += 1 }
        }
        return counts
    }
}
