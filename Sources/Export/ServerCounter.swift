import Telemetry

/// The server's own monotonic counters from `INFO`, exposed as Prometheus counters beside the
/// derived gauges so that `rate()` and `increase()` work on them (a restart resets them, which
/// `rate()` handles). Names follow `redis_exporter`'s where the meaning is the same.
public enum ServerCounter: String, CaseIterable, Sendable {
    /// `keyspace_hits`.
    case keyspaceHits = "keyspace_hits"
    /// `keyspace_misses`.
    case keyspaceMisses = "keyspace_misses"
    /// `evicted_keys`.
    case evictedKeys = "evicted_keys"
    /// `expired_keys`.
    case expiredKeys = "expired_keys"
    /// `total_commands_processed`.
    case commandsProcessed = "commands_processed"
    /// `total_connections_received`.
    case connectionsReceived = "connections_received"
    /// `rejected_connections`.
    case rejectedConnections = "rejected_connections"
    /// `total_net_input_bytes`.
    case netInputBytes = "net_input_bytes"
    /// `total_net_output_bytes`.
    case netOutputBytes = "net_output_bytes"
    /// `total_error_replies` (Redis 6.2+).
    case errorReplies = "error_replies"
    /// `used_cpu_sys`, in seconds.
    case cpuSystemSeconds = "cpu_sys_seconds"
    /// `used_cpu_user`, in seconds.
    case cpuUserSeconds = "cpu_user_seconds"

    /// The family name, without `_total`.
    public var familyName: String { "cachewatch_server_\(rawValue)" }

    /// The `# HELP` text.
    public var help: String {
        switch self {
        case .keyspaceHits: return "Successful key lookups since the server started (INFO keyspace_hits)."
        case .keyspaceMisses: return "Failed key lookups since the server started (INFO keyspace_misses)."
        case .evictedKeys: return "Keys evicted since the server started (INFO evicted_keys)."
        case .expiredKeys: return "Keys expired since the server started (INFO expired_keys)."
        case .commandsProcessed: return "Commands processed since the server started (INFO total_commands_processed)."
        case .connectionsReceived:
            return "Connections accepted since the server started (INFO total_connections_received)."
        case .rejectedConnections:
            return "Connections refused at maxclients since the server started (INFO rejected_connections)."
        case .netInputBytes: return "Bytes received since the server started (INFO total_net_input_bytes)."
        case .netOutputBytes: return "Bytes sent since the server started (INFO total_net_output_bytes)."
        case .errorReplies: return "Error replies since the server started (INFO total_error_replies)."
        case .cpuSystemSeconds: return "System CPU seconds used by the server (INFO used_cpu_sys)."
        case .cpuUserSeconds: return "User CPU seconds used by the server (INFO used_cpu_user)."
        }
    }

    /// The counter's value in `info`, if the server reports it.
    public func value(in info: InfoSnapshot) -> Double? {
        switch self {
        case .keyspaceHits: return info.stats.keyspaceHits.map(Double.init)
        case .keyspaceMisses: return info.stats.keyspaceMisses.map(Double.init)
        case .evictedKeys: return info.stats.evictedKeys.map(Double.init)
        case .expiredKeys: return info.stats.expiredKeys.map(Double.init)
        case .commandsProcessed: return info.stats.totalCommandsProcessed.map(Double.init)
        case .connectionsReceived: return info.stats.totalConnectionsReceived.map(Double.init)
        case .rejectedConnections: return info.stats.rejectedConnections.map(Double.init)
        case .netInputBytes: return info.stats.totalNetInputBytes.map(Double.init)
        case .netOutputBytes: return info.stats.totalNetOutputBytes.map(Double.init)
        case .errorReplies: return info.stats.totalErrorReplies.map(Double.init)
        case .cpuSystemSeconds: return info.cpu.system
        case .cpuUserSeconds: return info.cpu.user
        }
    }
}
