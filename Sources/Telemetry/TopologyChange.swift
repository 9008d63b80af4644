/// What changed between two topologies of the same cluster, one event per node.
public enum TopologyChange: Sendable, Hashable, CustomStringConvertible {
    /// A node joined (or was first seen).
    case added(ClusterNode)
    /// A node left the topology (`CLUSTER FORGET`, removed).
    case removed(ClusterNode)
    /// A replica became a primary: a failover. `formerPrimary` is the id it replaced, if known.
    case promoted(ClusterNode, formerPrimary: String?)
    /// A primary became a replica (typically the old primary, back after a failover).
    case demoted(ClusterNode)
    /// The cluster agreed a node is down.
    case failed(ClusterNode)
    /// A failed node answers again.
    case recovered(ClusterNode)

    /// The changes from `old` to `new`, matched by node id.
    public static func between(_ old: ClusterTopology, _ new: ClusterTopology) -> [TopologyChange] {
        var changes: [TopologyChange] = []
        for node in new.nodes {
            guard let before = old.node(id: node.id) else {
                changes.append(.added(node))
                continue
            }
            if before.role == .replica && node.role == .primary {
                changes.append(.promoted(node, formerPrimary: before.primaryID))
            } else if before.role == .primary && node.role == .replica {
                changes.append(.demoted(node))
            }
            if !before.isFailed && node.isFailed { changes.append(.failed(node)) }
            if before.isFailed && !node.isFailed { changes.append(.recovered(node)) }
        }
        for node in old.nodes where new.node(id: node.id) == nil { changes.append(.removed(node)) }
        return changes
    }

    /// One line for people: `failover: 127.0.0.1:7004 is now a primary (was a replica of …)`.
    public var description: String {
        switch self {
        case .added(let node): return "cluster: \(node.name) joined as a \(node.role.rawValue)"
        case .removed(let node): return "cluster: \(node.name) left the cluster"
        case .promoted(let node, let former):
            let was = former.map { " (was a replica of \($0.prefix(8)))" } ?? ""
            return "failover: \(node.name) is now a primary\(was), slots \(node.slotText)"
        case .demoted(let node): return "cluster: \(node.name) is now a replica"
        case .failed(let node): return "cluster: \(node.name) is marked failed"
        case .recovered(let node): return "cluster: \(node.name) is reachable again"
        }
    }

    /// The node the change is about.
    public var node: ClusterNode {
        switch self {
        case .added(let node), .removed(let node), .promoted(let node, _), .demoted(let node), .failed(let node),
            .recovered(let node):
            return node
        }
    }
}
