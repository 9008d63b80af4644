import RedisClient

/// One node of a Redis Cluster as the topology describes it.
public struct ClusterNode: Sendable, Hashable {
    /// A node's role in its shard.
    public enum Role: String, Sendable, Hashable {
        /// Serves its shard's slots.
        case primary
        /// Copies a primary; promoted when it fails.
        case replica
    }

    /// The node id (40 hex characters).
    public var id: String
    /// The name the node is watched under: `host:port` as parsed, the fleet's name for it
    /// (credentials, TLS port) once ``ClusterTopology/named(like:)`` has run.
    public var name: String
    /// The address clients use.
    public var host: String
    /// The plain-text client port (0 when the node only listens on TLS).
    public var port: Int
    /// The TLS client port, when the node has one.
    public var tlsPort: Int?
    /// Primary or replica.
    public var role: Role
    /// For a replica, its primary's id.
    public var primaryID: String?
    /// The slot ranges it serves (primaries only).
    public var slots: [ClosedRange<Int>]
    /// Whether the cluster agreed this node is down (`fail`).
    public var isFailed: Bool
    /// Whether some node suspects it is down (`fail?`).
    public var isSuspected: Bool

    /// Creates a node.
    public init(
        id: String, host: String, port: Int, tlsPort: Int? = nil, role: Role, primaryID: String? = nil,
        slots: [ClosedRange<Int>] = [], isFailed: Bool = false, isSuspected: Bool = false
    ) {
        self.id = id
        self.name = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        self.host = host
        self.port = port
        self.tlsPort = tlsPort
        self.role = role
        self.primaryID = primaryID
        self.slots = slots
        self.isFailed = isFailed
        self.isSuspected = isSuspected
    }

    /// How many slots it serves.
    public var slotCount: Int { slots.reduce(0) { $0 + $1.count } }

    /// The slot ranges as `0-5460,10923-16383`; `-` when none.
    public var slotText: String {
        slots.isEmpty
            ? "-"
            : slots.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
                .joined(separator: ",")
    }

    /// The endpoint to poll it at: `seed`'s credentials and TLS setting, this node's address
    /// (its TLS port when the seed uses TLS), database 0 (the only one in cluster mode).
    public func endpoint(like seed: Endpoint) -> Endpoint {
        var endpoint = seed
        endpoint.address = .tcp(host: host, port: seed.usesTLS ? (tlsPort ?? port) : port)
        endpoint.database = 0
        return endpoint
    }
}
