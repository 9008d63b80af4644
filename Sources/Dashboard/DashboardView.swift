/// The screens of the dashboard, on number keys.
public enum DashboardView: Int, CaseIterable, Sendable, Hashable {
    /// Graphs and the most important figures at a glance.
    case overview = 1
    /// The slow log, searchable and sortable.
    case slowlog
    /// Commands from `INFO commandstats`: calls/s, latency per call, failures.
    case commands
    /// Memory, clients, databases, errors and replication.
    case clientsAndMemory
    /// Big keys, namespaces, TTLs and expiry waves from continuous key sampling.
    case keyspace
    /// Firing and pending alerts, rule health and recent alert events.
    case alerts
    /// Every node watched: role, status, traffic, replication, slots, balance; Enter opens one.
    case nodes

    /// The tab title.
    public var title: String {
        switch self {
        case .overview: return "Overview"
        case .slowlog: return "Slowlog"
        case .commands: return "Commands"
        case .clientsAndMemory: return "Memory"
        case .keyspace: return "Keyspace"
        case .alerts: return "Alerts"
        case .nodes: return "Nodes"
        }
    }

    /// The sort orders a table view cycles through with `s` (none for the overview).
    public var sortOrders: [String] {
        switch self {
        case .overview: return []
        case .slowlog: return ["newest", "duration"]
        case .commands: return ["calls/s", "calls", "usec/call", "time share", "failed"]
        case .clientsAndMemory: return ["keys", "db"]
        case .keyspace: return ["keys", "memory", "no TTL", "jitter", "evicted/s", "misses/s"]
        case .alerts: return ["severity", "age"]
        case .nodes: return ["role", "ops/s", "memory", "hit ratio"]
        }
    }
}
