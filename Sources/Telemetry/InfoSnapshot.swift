/// One `INFO` reply: every field kept raw, and typed access to the fields that matter.
///
/// Servers differ (Redis 6 has no `latencystats`, Valkey adds `valkey_version`, managed
/// services hide sections): typed fields are optional or zero-defaulted counters, and anything
/// not modelled stays reachable through ``subscript(_:)``.
public struct InfoSnapshot: Sendable, Hashable {
    /// Every `name:value` field, by lower-cased section name (`server`, `memory`, …).
    public let sections: [String: [String: String]]
    /// Server identity and uptime.
    public let server: ServerSection
    /// Client counts.
    public let clients: ClientsSection
    /// Memory use and limits.
    public let memory: MemorySection
    /// Lifetime counters (hits, misses, evictions…).
    public let stats: StatsSection
    /// Role and replication links.
    public let replication: ReplicationSection
    /// CPU seconds consumed by the server.
    public let cpu: CPUSection
    /// Keys and keys with an expiry, by database index.
    public let keyspace: [Int: KeyspaceEntry]
    /// Per-command counters (`cmdstat_*`), by lower-cased command name (`get`, `config|get`).
    public let commandStats: [String: CommandStat]
    /// Error replies by error code (`errorstat_*`), e.g. `ERR`, `WRONGTYPE`.
    public let errorStats: [String: Int64]
    /// Latency percentiles per command in microseconds (`latency_percentiles_usec_*`), keyed
    /// by command then by percentile label (`p50`, `p99`, `p99.9`). Redis 7+.
    public let latencyStats: [String: [String: Double]]

    /// The raw value of a field from any section.
    public subscript(_ field: String) -> String? {
        for fields in sections.values {
            if let value = fields[field] { return value }
        }
        return nil
    }

    /// The sections present, in no particular order.
    public var sectionNames: Set<String> { Set(sections.keys) }

    /// Whether the server runs in cluster mode (`cluster_enabled:1`).
    public var isClusterEnabled: Bool { sections["cluster"]?["cluster_enabled"] == "1" }

    /// Whether the server is a primary (`role:master`); `false` for a replica or an unknown role.
    public var isPrimary: Bool { replication.role == .primary }

    /// Keys across all databases.
    public var totalKeys: Int64 { keyspace.values.reduce(0) { $0 + $1.keys } }

    /// Keys with an expiry across all databases.
    public var totalKeysWithExpiry: Int64 { keyspace.values.reduce(0) { $0 + $1.expires } }
}
