/// A server's replication role, as `INFO replication` names it (`role:master`, `role:slave`).
public enum ReplicationRole: String, Sendable, Hashable, CaseIterable {
    /// Accepts writes; replicas follow it.
    case primary = "master"
    /// Follows a primary.
    case replica = "slave"

    /// The word shown in the node list and reports.
    public var displayName: String {
        switch self {
        case .primary: "primary"
        case .replica: "replica"
        }
    }

    /// The word shown in a node's header line and memory view: the server's own word for a
    /// primary (`master`, what `INFO` and `redis-cli` print), `replica` for a replica.
    public var headerName: String { self == .replica ? "replica" : rawValue }
}
