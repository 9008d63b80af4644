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
    /// Whether `sampling`'s keys per second were chosen by the user; if not, the rate of each
    /// node is 100 keys/s shared out to ``samplingBudget`` in all across many nodes.
    public var fixedSampleRate: Bool
    /// Keys sampled per second over all nodes, unless the rate is fixed (1,000: ten nodes at
    /// the full 100 keys/s; 50 nodes at 20 keys/s each, never below 10).
    public var samplingBudget: Int
    /// Whether sampled nodes also count evictions, expirations and misses per namespace from
    /// keyspace events, where the server publishes them (`notify-keyspace-events`).
    public var keyEvents: Bool
    /// `PTTL` checks per second of each sampled node's key-life tracking (how keys end, for
    /// stale-data risk); 0 turns it off.
    public var keyLifeChecksPerSecond: Int
    /// Where the user asked for it (`--enable-events`), what turns the missing event flags on
    /// and puts them back on exit; `nil`: the setting is only read.
    public var eventsEnabler: KeyspaceEventsEnabler?
    /// Cluster discovery.
    public var clusterMode: ClusterMode
    /// A primary to find through Redis Sentinel (and follow through failovers) instead of the
    /// targets given; `nil`: none (a target that is a sentinel is still recognised).
    public var sentinel: SentinelSource?
    /// The time between topology checks in a cluster.
    public var topologyInterval: Duration
    /// The wall clock that stamps samples, key batches, key lives and subscriptions.
    public var clock: any WallClock

    /// The keys per second of each of `nodes` sampled nodes.
    public func keysPerSecond(sampledNodes nodes: Int) -> Int? {
        guard let sampling else { return nil }
        let rate = sampling.keysPerSecond ?? 100
        if fixedSampleRate || nodes <= 0 { return rate }
        return min(rate, max(10, samplingBudget / nodes))
    }

    /// Creates a configuration.
    public init(
        connection: ConnectionConfiguration = ConnectionConfiguration(), interval: Duration = .seconds(1),
        sampling: KeySamplerConfiguration? = nil, fixedSampleRate: Bool = false, samplingBudget: Int = 1000,
        clusterMode: ClusterMode = .automatic, topologyInterval: Duration = .seconds(5), keyEvents: Bool = false,
        eventsEnabler: KeyspaceEventsEnabler? = nil, keyLifeChecksPerSecond: Int = 0, clock: any WallClock = .system
    ) {
        self.clock = clock
        self.keyLifeChecksPerSecond = keyLifeChecksPerSecond
        self.keyEvents = keyEvents
        self.eventsEnabler = eventsEnabler
        self.fixedSampleRate = fixedSampleRate
        self.samplingBudget = samplingBudget
        self.connection = connection
        self.interval = interval
        self.sampling = sampling
        self.clusterMode = clusterMode
        self.topologyInterval = topologyInterval
        sentinel = nil
    }
}

/// Where a Sentinel-managed primary is found, and how its nodes are logged in to.
public struct SentinelSource: Sendable {
    /// The sentinels to ask, with the sentinels' credentials and TLS.
    public var sentinels: [Endpoint]
    /// The name the sentinels know the primary by.
    public var masterName: String
    /// The data nodes' connection: credentials, database and TLS (the address is each node's).
    public var dataNode: Endpoint

    /// A source.
    public init(sentinels: [Endpoint], masterName: String, dataNode: Endpoint) {
        self.sentinels = sentinels
        self.masterName = masterName
        self.dataNode = dataNode
    }

    /// `group` with its nodes' watched names.
    public func named(_ group: SentinelGroup) -> SentinelGroup {
        var named = group
        for address in [group.primary] + group.replicas { named.nodeNames[address] = target(address).name }
        return named
    }

    /// The target of the node at `address` (`host:port`, as sentinels name it).
    public func target(_ address: String) -> NodeTarget {
        var endpoint = dataNode
        if let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) {
            var host = String(address[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            endpoint.address = .tcp(host: host, port: port)
        }
        return NodeTarget(endpoint: endpoint)
    }
}
