import Metrics
import Telemetry

/// What a ``Fleet`` hands to its owner, from any of its tasks.
public enum FleetEvent: Sendable {
    /// One poll of one node.
    case sample(Sample)
    /// One batch of sampled keys of one node.
    case keys(node: String, keys: [KeyMetadata], finishedPass: Bool, unavailable: [SamplerPart: String])
    /// The cluster's topology, first as discovered, then at each change.
    case topology(ClusterTopology, changes: [TopologyChange])
    /// A Sentinel group, first as discovered, then at each read (failovers among its changes).
    case sentinel(SentinelGroup, changes: [SentinelChange])
    /// A node is no longer watched (it left the cluster), by the name its samples carried.
    case nodeRemoved(String)
    /// One interval of a node's keyspace events, counted per namespace.
    case keyEvents(node: String, tally: KeyEventCounter.Tally)
    /// The node's keyspace-event subscription changed state (subscribed, off, lost, refused).
    case keyEventState(node: String, KeyEventSubscriber.State)
    /// A round of key-life checks of one node: the ends seen, the keys tracked.
    case keyLives(node: String, KeyLifeTracker.Report)
    /// Something to tell the user once (a discovery failure, a node added).
    case notice(String)
}
