/// Where a ``Metric``'s values come from — which part of cachewatch must run for it to have any,
/// and so what it costs the server (see the README's sources table).
public enum MetricSource: String, Sendable, Hashable, CaseIterable {
    /// Each poll: `INFO`, `PING`, `SLOWLOG`, and rates between two polls (also the cluster's
    /// other primaries' polls, for imbalance figures).
    case poll
    /// Key sampling: `SCAN` and each sampled key's `TYPE`, `PTTL`, `MEMORY USAGE`.
    case keySampling = "key sampling"
    /// The keyspace-event subscription (`__keyevent@…`), where the server publishes events.
    case keyspaceEvents = "keyspace events"
    /// How sampled keys end: `PTTL` checks that follow them (key-life tracking), or keyspace
    /// events where expirations, evictions and deletions are published.
    case keyLife = "key life"
    /// A profile (`cachewatch profile`, the dashboard's `P`): `MONITOR` for a few seconds.
    case profile
    /// Cluster slot statistics (`CLUSTER SLOT-STATS`).
    case slotStats = "slot stats"
    /// Redis Sentinel, for a primary found through it: each sentinel's read-only `SENTINEL`
    /// answers (where the primary is, its flags, `CKQUORUM`) and its TILT state.
    case sentinel
    /// The server's own hot-key tracking (`HOTKEYS GET`: Valkey 9.2+ when `hotkeys-top-k` is
    /// above 0; Redis 8.6+ while a collection session runs).
    case serverHotKeys = "server hot keys"
}
