import RedisClient
import Telemetry

/// How a ``Fleet`` watches its nodes.
public struct FleetConfiguration: Sendable {
    /// Whether the targets are a Redis Cluster to discover.
    public enum ClusterMode: Sendable, Hashable {
        /// Discover the cluster when the first target is in cluster mode; else watch the targets.
        case automatic
        /// The first target must be in cluster mode (`--cluster`).
        case required
        /// Watch exactly the targets given.
        case off
    }

    /// Connection settings (timeouts, TLS) for every node.
    public var connection: ConnectionConfiguration
    /// The time between polls of each node.
    public var interval: Duration
    /// Key sampling per node (primaries only in a cluster); `nil` turns it off.
    public var sampling: KeySamplerConfiguration?
    /// Cluster discovery.
    public var clusterMode: ClusterMode
    /// The time between topology checks in a cluster.
    public var topologyInterval: Duration

    /// Creates a configuration.
    public init(
        connection: ConnectionConfiguration = ConnectionConfiguration(), interval: Duration = .seconds(1),
        sampling: KeySamplerConfiguration? = nil, clusterMode: ClusterMode = .automatic,
        topologyInterval: Duration = .seconds(5)
    ) {
        self.connection = connection
        self.interval = interval
        self.sampling = sampling
        self.clusterMode = clusterMode
        self.topologyInterval = topologyInterval
    }
}
