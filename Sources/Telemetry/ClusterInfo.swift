import Foundation

/// A node's `CLUSTER INFO`: the cluster's health as this node sees it.
public struct ClusterInfo: Sendable, Hashable {
    /// The number of hash slots in a Redis Cluster.
    public static let slotCount = 16384

    /// `ok` or `fail`.
    public var state: String
    /// Slots bound to some node.
    public var slotsAssigned: Int
    /// Slots whose node is reachable.
    public var slotsOK: Int
    /// Slots whose node is suspected down (`PFAIL`): still served, maybe not for long.
    public var slotsPossiblyFailing: Int
    /// Slots whose node is agreed down (`FAIL`): not served.
    public var slotsFailing: Int
    /// Nodes in the cluster, handshaking ones included.
    public var knownNodes: Int
    /// Primaries serving at least one slot.
    public var size: Int
    /// The cluster's current epoch (it grows with each failover).
    public var currentEpoch: Int

    /// Whether the cluster accepts queries.
    public var isOK: Bool { state == "ok" }

    /// Slots no reachable node serves: unassigned or on a failed node.
    public var uncoveredSlots: Int { Self.slotCount - slotsAssigned + slotsFailing }

    /// Parses the `name:value` lines of the reply; missing fields read as 0 and the state as
    /// `unknown`, so a future format never fails a poll.
    public init(parsing text: String) {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
                .trimmingCharacters(in: .whitespaces)
        }
        func int(_ name: String) -> Int { fields[name].flatMap { Int($0) } ?? 0 }
        state = fields["cluster_state"] ?? "unknown"
        slotsAssigned = int("cluster_slots_assigned")
        slotsOK = int("cluster_slots_ok")
        slotsPossiblyFailing = int("cluster_slots_pfail")
        slotsFailing = int("cluster_slots_fail")
        knownNodes = int("cluster_known_nodes")
        size = int("cluster_size")
        currentEpoch = int("cluster_current_epoch")
    }
}
