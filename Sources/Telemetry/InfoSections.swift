/// The `# Server` section: identity and uptime.
public struct ServerSection: Sendable, Hashable {
    /// `redis` or `valkey` (from `server_name`, else guessed from the version field present).
    public var serverName: String
    /// The server version (`valkey_version` on Valkey, else `redis_version`).
    public var version: String?
    /// `standalone`, `cluster` or `sentinel`.
    public var mode: String?
    /// A random id that changes on every restart: the surest restart signal.
    public var runID: String?
    /// Seconds since the server started.
    public var uptimeSeconds: Int64?
    /// The TCP port the server listens on.
    public var tcpPort: Int?
    /// The operating system line.
    public var os: String?
    /// The server's process id.
    public var processID: Int64?
}

/// The `# Clients` section.
public struct ClientsSection: Sendable, Hashable {
    /// Client connections (replicas excluded).
    public var connected: Int64?
    /// Clients waiting in a blocking command (BLPOP, XREAD BLOCK, WAIT…).
    public var blocked: Int64?
    /// The `maxclients` setting.
    public var maxClients: Int64?
}

/// The `# Memory` section.
public struct MemorySection: Sendable, Hashable {
    /// Bytes allocated by the server (`used_memory`).
    public var used: Int64?
    /// Resident set size seen by the OS (`used_memory_rss`).
    public var rss: Int64?
    /// Peak of `used_memory`.
    public var peak: Int64?
    /// The `maxmemory` limit; 0 means none.
    public var maxmemory: Int64?
    /// The eviction policy (`maxmemory_policy`).
    public var maxmemoryPolicy: EvictionPolicy?
    /// `used_memory_rss / used_memory` as the server computes it.
    public var fragmentationRatio: Double?
    /// The machine's memory (`total_system_memory`), where the server tells.
    public var totalSystem: Int64? = nil
}

/// The `# Stats` section: lifetime counters, reset by a restart or `CONFIG RESETSTAT`.
public struct StatsSection: Sendable, Hashable {
    /// Connections accepted.
    public var totalConnectionsReceived: Int64?
    /// Commands processed.
    public var totalCommandsProcessed: Int64?
    /// The server's own ops/s estimate (a moving average over a few samples).
    public var instantaneousOpsPerSec: Int64?
    /// Bytes read from the network.
    public var totalNetInputBytes: Int64?
    /// Bytes written to the network.
    public var totalNetOutputBytes: Int64?
    /// Connections refused because of `maxclients`.
    public var rejectedConnections: Int64?
    /// Keys removed because their TTL passed.
    public var expiredKeys: Int64?
    /// Keys removed to stay under `maxmemory`.
    public var evictedKeys: Int64?
    /// Successful key lookups.
    public var keyspaceHits: Int64?
    /// Failed key lookups.
    public var keyspaceMisses: Int64?
    /// Error replies sent (Redis 6.2+).
    public var totalErrorReplies: Int64?
}

/// The `# Replication` section.
public struct ReplicationSection: Sendable, Hashable {
    /// `master` or `slave` (the server's word for replica).
    public var role: ReplicationRole?
    /// Replicas attached to this primary.
    public var connectedReplicas: Int64?
    /// This node's replication offset.
    public var replicationOffset: Int64?
    /// On a replica: `up` or `down`.
    public var masterLinkStatus: String?
    /// On a replica: the primary's host.
    public var masterHost: String?
    /// On a replica: the primary's port.
    public var masterPort: Int?
    /// On a replica: seconds since the last interaction with the primary.
    public var masterLastIOSecondsAgo: Int64?
    /// On a primary: one entry per attached replica.
    public var replicas: [ReplicaLink]
}

/// One `slaveN:ip=…,port=…,state=…,offset=…,lag=…` line of a primary.
public struct ReplicaLink: Sendable, Hashable {
    /// The replica's address.
    public var ip: String
    /// The replica's port.
    public var port: Int
    /// `online`, `wait_bgsave`, `send_bulk`…
    public var state: String
    /// The replica's acknowledged offset.
    public var offset: Int64
    /// Seconds since the replica's last acknowledgement.
    public var lag: Int64

    /// Creates a link.
    public init(ip: String, port: Int, state: String, offset: Int64, lag: Int64) {
        self.ip = ip
        self.port = port
        self.state = state
        self.offset = offset
        self.lag = lag
    }
}

/// The `# CPU` section.
public struct CPUSection: Sendable, Hashable {
    /// System CPU seconds of the server process.
    public var system: Double?
    /// User CPU seconds of the server process.
    public var user: Double?
    /// System CPU seconds of the main thread (Redis 6.2+, Valkey), where the server tells.
    public var mainThreadSystem: Double?
    /// User CPU seconds of the main thread.
    public var mainThreadUser: Double?

    /// Creates the section.
    public init(system: Double?, user: Double?, mainThreadSystem: Double? = nil, mainThreadUser: Double? = nil) {
        self.system = system
        self.user = user
        self.mainThreadSystem = mainThreadSystem
        self.mainThreadUser = mainThreadUser
    }
}

/// One `dbN:keys=…,expires=…,avg_ttl=…` line.
public struct KeyspaceEntry: Sendable, Hashable {
    /// Keys in the database.
    public var keys: Int64
    /// Keys that carry a TTL.
    public var expires: Int64
    /// The server's estimate of the mean TTL of keys with one, in milliseconds.
    public var averageTTLMilliseconds: Int64

    /// Creates an entry.
    public init(keys: Int64, expires: Int64, averageTTLMilliseconds: Int64) {
        self.keys = keys
        self.expires = expires
        self.averageTTLMilliseconds = averageTTLMilliseconds
    }
}

/// One `cmdstat_<name>:calls=…,usec=…,usec_per_call=…,rejected_calls=…,failed_calls=…` line.
public struct CommandStat: Sendable, Hashable {
    /// Calls.
    public var calls: Int64
    /// Total microseconds spent.
    public var microseconds: Int64
    /// Mean microseconds per call.
    public var microsecondsPerCall: Double
    /// Calls refused before running (ACL, OOM, wrong arity…). Redis 6.2+.
    public var rejectedCalls: Int64
    /// Calls that ran and failed. Redis 6.2+.
    public var failedCalls: Int64
}
