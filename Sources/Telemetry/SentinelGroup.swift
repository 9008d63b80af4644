/// A primary and its replicas as Redis Sentinel describes them, with what each sentinel says:
/// the group `redis+sentinel://…/<master>` watches.
public struct SentinelGroup: Sendable, Hashable {
    /// One sentinel's view of the group.
    public struct View: Sendable, Hashable {
        /// The sentinel, `host:port`.
        public var sentinel: String
        /// Whether it answered.
        public var isReachable: Bool
        /// The primary's address as this sentinel has it (`SENTINEL GET-MASTER-ADDR-BY-NAME`).
        public var primary: String?
        /// The primary's flags as this sentinel sees them (`master`, `s_down`, `o_down`…).
        public var primaryFlags: [String]
        /// The quorum configured for the primary on this sentinel.
        public var quorum: Int?
        /// `SENTINEL CKQUORUM`: whether enough sentinels are reachable to agree a failover.
        public var hasQuorum: Bool?
        /// CKQUORUM's own words (`OK 3 usable Sentinels…`, `NOQUORUM 1 usable Sentinels…`).
        public var quorumText: String?
        /// Whether the sentinel is in TILT mode (it stopped acting: its clock or load jumped).
        public var isTilted: Bool?

        /// A view of `sentinel`.
        public init(
            sentinel: String, isReachable: Bool, primary: String? = nil, primaryFlags: [String] = [],
            quorum: Int? = nil, hasQuorum: Bool? = nil, quorumText: String? = nil, isTilted: Bool? = nil
        ) {
            self.sentinel = sentinel
            self.isReachable = isReachable
            self.primary = primary
            self.primaryFlags = primaryFlags
            self.quorum = quorum
            self.hasQuorum = hasQuorum
            self.quorumText = quorumText
            self.isTilted = isTilted
        }

        /// Whether this sentinel believes the primary is down (subjectively or agreed).
        public var seesPrimaryDown: Bool { primaryFlags.contains("s_down") || primaryFlags.contains("o_down") }
    }

    /// The name the sentinels know the primary by.
    public var masterName: String
    /// The primary, `host:port`, as most reachable sentinels have it.
    public var primary: String
    /// The replicas, `host:port`, as the sentinels list them (those they flag as down too).
    public var replicas: [String]
    /// Replicas a sentinel flags as down or disconnected.
    public var replicasDown: Set<String>
    /// Every sentinel known: the ones given and those they know of, each with its view.
    public var views: [View]
    /// The names the data nodes are watched under, by address (`user@host:port/db`: the
    /// watcher's names); an address not in it is its own name.
    public var nodeNames: [String: String] = [:]

    /// The name the node at `address` is watched under.
    public func nodeName(_ address: String) -> String { nodeNames[address] ?? address }

    /// The primary's watched name.
    public var primaryNode: String { nodeName(primary) }

    /// A group.
    public init(
        masterName: String, primary: String, replicas: [String], replicasDown: Set<String> = [], views: [View]
    ) {
        self.masterName = masterName
        self.primary = primary
        self.replicas = replicas
        self.replicasDown = replicasDown
        self.views = views
    }

    /// The sentinels that answered.
    public var reachable: [View] { views.filter(\.isReachable) }

    /// Reachable sentinels whose primary is not the group's.
    public var disagreeing: [View] { reachable.filter { $0.primary != nil && $0.primary != primary } }

    /// Whether some reachable sentinel says a failover could be agreed (CKQUORUM OK); `false`
    /// when none does or none is reachable.
    public var hasQuorum: Bool { reachable.contains { $0.hasQuorum == true } }

    /// The sentinels in TILT mode.
    public var tilted: [View] { reachable.filter { $0.isTilted == true } }

    /// The primary most reachable sentinels name (the first sentinel's on a tie); `nil` when
    /// none names one.
    public static func majorityPrimary(_ views: [View]) -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for view in views where view.isReachable {
            guard let primary = view.primary else { continue }
            if counts[primary] == nil { order.append(primary) }
            counts[primary, default: 0] += 1
        }
        var best: String?
        for primary in order where best == nil || counts[primary, default: 0] > counts[best ?? "", default: 0] {
            best = primary
        }
        return best
    }
}

/// What changed in a Sentinel group between two reads.
public enum SentinelChange: Sendable, Hashable, CustomStringConvertible {
    /// The sentinels moved the primary: a failover (or a manual `SENTINEL FAILOVER`).
    case failover(masterName: String, from: String, to: String)
    /// A replica joined the group.
    case replicaAdded(masterName: String, String)
    /// A replica left the group.
    case replicaRemoved(masterName: String, String)
    /// A sentinel stopped answering.
    case sentinelLost(String)
    /// A sentinel answers again (or was first found).
    case sentinelFound(String)

    /// The changes from `old` to `new`.
    public static func between(_ old: SentinelGroup, _ new: SentinelGroup) -> [SentinelChange] {
        var changes: [SentinelChange] = []
        if old.primary != new.primary {
            changes.append(.failover(masterName: new.masterName, from: old.primary, to: new.primary))
        }
        let before = Set(old.replicas + [old.primary])
        let after = Set(new.replicas + [new.primary])
        for replica in new.replicas where !before.contains(replica) {
            changes.append(.replicaAdded(masterName: new.masterName, replica))
        }
        for replica in old.replicas where !after.contains(replica) {
            changes.append(.replicaRemoved(masterName: new.masterName, replica))
        }
        let wasReachable = Set(old.reachable.map(\.sentinel))
        let isReachable = Set(new.reachable.map(\.sentinel))
        for view in new.views where wasReachable.contains(view.sentinel) && !isReachable.contains(view.sentinel) {
            changes.append(.sentinelLost(view.sentinel))
        }
        for view in new.views where !wasReachable.contains(view.sentinel) && isReachable.contains(view.sentinel) {
            changes.append(.sentinelFound(view.sentinel))
        }
        return changes
    }

    /// One line for people: `failover: mymaster: 127.0.0.1:6380 is now the primary (was 127.0.0.1:6379)`.
    public var description: String {
        switch self {
        case .failover(let name, let from, let to): "failover: \(name): \(to) is now the primary (was \(from))"
        case .replicaAdded(let name, let node): "sentinel: \(name): \(node) joined as a replica"
        case .replicaRemoved(let name, let node): "sentinel: \(name): \(node) is no longer a replica"
        case .sentinelLost(let sentinel): "sentinel: \(sentinel) does not answer"
        case .sentinelFound(let sentinel): "sentinel: \(sentinel) answers"
        }
    }
}
