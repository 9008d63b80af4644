/// The metric vocabulary: stable names (used in JSON lines, logfmt, CSV headers and rules),
/// with units. Rates are per second over the interval between two successful polls.
public enum Metric: String, CaseIterable, Sendable, Hashable {
    /// 1 when the poll succeeded, 0 when it failed.
    case up
    /// Commands per second, cachewatch's own polling commands left out.
    case opsPerSec = "ops_per_sec"
    /// Δhits / (Δhits + Δmisses) over the interval; absent when there were no lookups.
    case hitRatio = "hit_ratio"
    /// hits / (hits + misses) since the server started or its stats were reset.
    case hitRatioLifetime = "hit_ratio_lifetime"
    /// Successful key lookups per second.
    case hitsPerSec = "hits_per_sec"
    /// Failed key lookups per second.
    case missesPerSec = "misses_per_sec"
    /// Keys evicted per second to stay under maxmemory.
    case evictedPerSec = "evicted_per_sec"
    /// Keys expired per second.
    case expiredPerSec = "expired_per_sec"
    /// Bytes received per second.
    case netInBytesPerSec = "net_in_bytes_per_sec"
    /// Bytes sent per second.
    case netOutBytesPerSec = "net_out_bytes_per_sec"
    /// Bytes allocated (`used_memory`).
    case usedMemoryBytes = "used_memory_bytes"
    /// Resident set size (`used_memory_rss`).
    case rssBytes = "rss_bytes"
    /// The maxmemory limit; 0 means none.
    case maxmemoryBytes = "maxmemory_bytes"
    /// used_memory / maxmemory; absent when there is no limit.
    case memoryUsedRatio = "memory_used_ratio"
    /// rss / used_memory as the server reports it.
    case fragmentationRatio = "fragmentation_ratio"
    /// Connected clients.
    case clientsConnected = "clients_connected"
    /// Clients in a blocking command.
    case clientsBlocked = "clients_blocked"
    /// Connections refused per second (maxclients reached).
    case rejectedConnectionsPerSec = "rejected_connections_per_sec"
    /// New connections per second.
    case connectionsPerSec = "connections_per_sec"
    /// Error replies per second (Redis 6.2+).
    case errorRepliesPerSec = "error_replies_per_sec"
    /// Server CPU use (user + system) in percent of one core.
    case cpuPercent = "cpu_percent"
    /// Keys across all databases.
    case keys
    /// Keys with a TTL across all databases.
    case keysWithExpiry = "keys_with_expiry"
    /// This poll's PING round trip in milliseconds.
    case pingMs = "ping_ms"
    /// Median PING round trip over the latency window, in milliseconds.
    case pingP50Ms = "ping_p50_ms"
    /// 99th percentile PING round trip over the latency window, in milliseconds.
    case pingP99Ms = "ping_p99_ms"
    /// Slowest PING round trip over the latency window, in milliseconds.
    case pingMaxMs = "ping_max_ms"
    /// Slow-log entries new in this poll.
    case slowlogNew = "slowlog_new"
    /// misses/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s): a stampede's signature.
    case missSpikeRatio = "miss_spike_ratio"
    /// (expired + evicted)/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s).
    case expirySpikeRatio = "expiry_spike_ratio"
    /// How far the interval hit ratio fell below its recent baseline (ratio points; negative: above).
    case hitRatioDrop = "hit_ratio_drop"
    /// 1 when the eviction policy is `noeviction` (writes fail at the limit), else 0.
    case evictionsDisabled = "evictions_disabled"
    /// 1 under an `allkeys-*` policy (any key may be evicted, TTL or not), else 0.
    case allkeysPolicy = "allkeys_policy"
    /// 1 under a `volatile-*` policy (only keys with a TTL may be evicted), else 0.
    case volatilePolicy = "volatile_policy"
    /// Share of keys without a TTL, over all databases (exact, from `INFO keyspace`); absent with no keys.
    case noTTLShare = "no_ttl_share"
    /// On a replica: 1 while the link to the primary is up, 0 when down; absent on a primary.
    case replicaLinkUp = "replica_link_up"
    /// On a replica: seconds since the last interaction with the primary.
    case replicaLastIOSeconds = "replica_last_io_seconds"
    /// 1 on a primary (`role:master`), 0 on a replica.
    case rolePrimary = "role_primary"
    /// Seconds since this node became a primary (a failover or a manual `REPLICAOF NO ONE`),
    /// for ten minutes after; absent otherwise.
    case secondsSincePromotion = "seconds_since_promotion"
    /// On a primary: replicas attached and `online`.
    case replicasOnline = "replicas_online"
    /// On a primary: the biggest replication backlog of its replicas, in bytes not yet acknowledged.
    case replicaLagBytesMax = "replica_lag_bytes_max"
    /// In cluster mode: 1 while `cluster_state:ok` as this node sees it, else 0.
    case clusterStateOK = "cluster_state_ok"
    /// In cluster mode: hash slots no reachable node serves (unassigned or on a failed node).
    case clusterSlotsUncovered = "cluster_slots_uncovered"
    /// In cluster mode: nodes this node knows.
    case clusterKnownNodes = "cluster_known_nodes"
    /// On a cluster primary: its keys over the mean of the other primaries' (1 = even).
    case keysVsOtherPrimaries = "keys_vs_other_primaries"
    /// On a cluster primary: its used memory over the mean of the other primaries'.
    case memoryVsOtherPrimaries = "memory_vs_other_primaries"
    /// On a cluster primary: its ops/s over the mean of the other primaries' (at least 1/s).
    case opsVsOtherPrimaries = "ops_vs_other_primaries"
    /// Key sampling: the most keys (estimated) expiring in one second within the forecast horizon.
    case expiryWaveKeys = "expiry_wave_keys"
    /// Key sampling: the lowest TTL jitter among namespaces with 20+ sampled keys with a TTL.
    case ttlJitterMin = "ttl_jitter_min"
    /// Key sampling: keys over the big-key thresholds among the biggest sampled.
    case bigKeys = "big_keys"
    /// `INFO keysizes` (Redis 8+): the lower bound of the largest power-of-two bucket of string
    /// sizes with a key, over all databases (1048576: some string is 1–2 MiB); 0 without strings.
    case largestStringBucketBytes = "largest_string_bucket_bytes"
    /// `INFO keysizes` (Redis 8+): the same for the elements of lists, sets, sorted sets, hashes.
    case largestCollectionBucketItems = "largest_collection_bucket_items"
    /// Key sampling, per namespace (label `namespace`): estimated keys in the whole database.
    case namespaceKeys = "namespace_keys"
    /// Key sampling, per namespace: share of its sampled keys without a TTL.
    case namespaceNoTTLShare = "namespace_no_ttl_share"
    /// Key sampling, per namespace: its TTL jitter (see ``NamespaceStats/ttlJitter``); absent
    /// below 20 sampled keys with a TTL.
    case namespaceTTLJitter = "namespace_ttl_jitter"
    /// Key sampling, per namespace: the most of its keys (estimated) expiring in one second
    /// within the forecast horizon.
    case namespaceExpiryWaveKeys = "namespace_expiry_wave_keys"
    /// Key sampling, per namespace: its keys over the big-key thresholds among the biggest sampled.
    case namespaceBigKeys = "namespace_big_keys"
    /// Keyspace events, per namespace (label `namespace`): keys evicted per second.
    case namespaceEvictedPerSec = "namespace_evicted_per_sec"
    /// Keyspace events, per namespace: keys expired per second.
    case namespaceExpiredPerSec = "namespace_expired_per_sec"
    /// Keyspace events, per namespace: reads of missing keys per second.
    case namespaceMissesPerSec = "namespace_misses_per_sec"
    /// Keyspace events, per namespace: keys deleted per second (`DEL`, `UNLINK`…; flag `g`).
    case namespaceDeletedPerSec = "namespace_deleted_per_sec"
    /// Keyspace events, per namespace: keys overwritten per second (flag `o`, Redis 8.2+).
    case namespaceOverwrittenPerSec = "namespace_overwritten_per_sec"
    /// Keyspace events, per namespace: keys added per second (flag `n`, Redis 7.0+, Valkey).
    case namespaceNewPerSec = "namespace_new_per_sec"
    /// Key lives, per namespace: share of its keys' ends that were expiries (their TTL ran out),
    /// once 5 ends were seen (see `NamespaceInvalidation`).
    case namespaceExpiredShare = "namespace_expired_share"
    /// Key lives, per namespace: share of its keys' ends that were deletions or overwrites before
    /// expiry (invalidation on write).
    case namespaceInvalidatedShare = "namespace_invalidated_share"
    /// Key lives, per namespace: share of its keys' ends that were evictions.
    case namespaceEvictedShare = "namespace_evicted_share"
    /// Key lives, per namespace: the median age of its tracked keys at their end, as a share of
    /// their TTL (1: they live their TTL out; 0.2: most are replaced a fifth of the way in).
    case namespaceEndAgeShareP50 = "namespace_end_age_share_p50"
    /// Key lives, per namespace: the 90th percentile of that age share.
    case namespaceEndAgeShareP90 = "namespace_end_age_share_p90"
    /// Key lives, per namespace: how stale a value may be — its TTL, where the namespace is
    /// invalidated by TTL only; absent otherwise (invalidated on write, or not known yet).
    case namespaceStalenessBoundSeconds = "namespace_staleness_bound_seconds"
    /// Keyspace events, per namespace: misses per second of a namespace stampeding now — its
    /// misses 4× their rate over the last 10 s while its keys expired in that time (see
    /// `NamespaceStampede`); only stampeding namespaces have a value.
    case namespaceStampedeMissesPerSec = "namespace_stampede_misses_per_sec"
    /// Keyspace events: evictions and expirations the server published but cachewatch never
    /// received — lost while the subscription was down, or discarded when the server cut a
    /// subscriber that fell behind (`client-output-buffer-limit pubsub`) — per second; found
    /// exactly at each subscription (see `KeyEventLoss`), absent while not subscribed or when
    /// databases other than the watched one hold keys.
    case eventsDroppedPerSec = "events_dropped_per_sec"
    /// Profile (`cachewatch profile`, the dashboard's `P`), per namespace: keys looked up per
    /// second by read commands, over the time `MONITOR` was on.
    case namespaceReadsPerSec = "namespace_reads_per_sec"
    /// Profile, per namespace: keys written per second.
    case namespaceWritesPerSec = "namespace_writes_per_sec"
    /// Profile, per namespace: keys named by `DEL`, `UNLINK`, `GETDEL` per second.
    case namespaceDeletesPerSec = "namespace_deletes_per_sec"
    /// Profile, per namespace: reads that found their key (from keymiss events, or inferred from
    /// the cache-aside pattern); absent without reads.
    case namespaceHitRatio = "namespace_hit_ratio"
    /// Cluster slot stats (Redis 8.2+, Valkey 8.0+, `cluster-slot-stats-enabled yes`), per hot
    /// slot (label `slot`): command execution time spent on the slot's keys, in percent of one
    /// core, between the slot's last two readings.
    case slotCPUPercent = "slot_cpu_percent"
    /// Cluster slot stats, per hot slot: the slot's share of the execution time all the node's
    /// slots took (1: every command of the node went to this slot).
    case slotCPUShare = "slot_cpu_share"
    /// Cluster slot stats, per hot slot: request and reply bytes per second.
    case slotNetworkBytesPerSec = "slot_net_bytes_per_sec"
    /// Cluster slot stats, per hot slot: keys in the slot (Redis 8.2+, Valkey 8.0+, always kept).
    case slotKeys = "slot_keys"
    /// On a primary, per replica (label `replica`, `ip:port`): bytes of the replication stream
    /// the replica has not acknowledged.
    case replicaLagBytes = "replica_lag_bytes"
    /// On a primary, per replica: seconds since the replica's last acknowledgement.
    case replicaAckSeconds = "replica_ack_seconds"
    /// On a primary, per replica: 1 while its state is `online`, else 0 (syncing, waiting).
    case replicaOnline = "replica_online"

    /// The unit, as documented.
    public var unit: MetricUnit {
        switch self {
        case .up: return .flag
        case .opsPerSec, .hitsPerSec, .missesPerSec, .evictedPerSec, .expiredPerSec, .rejectedConnectionsPerSec,
            .connectionsPerSec, .errorRepliesPerSec:
            return .perSecond
        case .hitRatio, .hitRatioLifetime, .memoryUsedRatio, .fragmentationRatio, .missSpikeRatio, .expirySpikeRatio,
            .hitRatioDrop:
            return .ratio
        case .netInBytesPerSec, .netOutBytesPerSec: return .bytesPerSecond
        case .usedMemoryBytes, .rssBytes, .maxmemoryBytes: return .bytes
        case .clientsConnected, .clientsBlocked, .keys, .keysWithExpiry, .slowlogNew: return .count
        case .evictionsDisabled, .replicaLinkUp, .allkeysPolicy, .volatilePolicy, .rolePrimary, .clusterStateOK,
            .replicaOnline:
            return .flag
        case .replicasOnline, .clusterSlotsUncovered, .clusterKnownNodes: return .count
        case .replicaLagBytesMax, .replicaLagBytes: return .bytes
        case .secondsSincePromotion, .replicaAckSeconds: return .seconds
        case .keysVsOtherPrimaries, .memoryVsOtherPrimaries, .opsVsOtherPrimaries: return .ratio
        case .noTTLShare, .namespaceNoTTLShare, .namespaceTTLJitter: return .ratio
        case .namespaceKeys, .namespaceExpiryWaveKeys, .namespaceBigKeys: return .count
        case .namespaceEvictedPerSec, .namespaceExpiredPerSec, .namespaceMissesPerSec, .eventsDroppedPerSec,
            .namespaceStampedeMissesPerSec, .namespaceDeletedPerSec, .namespaceOverwrittenPerSec, .namespaceNewPerSec:
            return .perSecond
        case .replicaLastIOSeconds, .namespaceStalenessBoundSeconds: return .seconds
        case .namespaceExpiredShare, .namespaceInvalidatedShare, .namespaceEvictedShare, .namespaceEndAgeShareP50,
            .namespaceEndAgeShareP90:
            return .ratio
        case .expiryWaveKeys, .bigKeys: return .count
        case .largestStringBucketBytes: return .bytes
        case .largestCollectionBucketItems: return .count
        case .ttlJitterMin: return .ratio
        case .namespaceReadsPerSec, .namespaceWritesPerSec, .namespaceDeletesPerSec: return .perSecond
        case .namespaceHitRatio: return .ratio
        case .slotCPUPercent: return .percent
        case .slotCPUShare: return .ratio
        case .slotNetworkBytesPerSec: return .bytesPerSecond
        case .slotKeys: return .count
        case .cpuPercent: return .percent
        case .pingMs, .pingP50Ms, .pingP99Ms, .pingMaxMs: return .milliseconds
        }
    }

    /// The label that tells this metric's instances apart (`namespace`), or `nil` for a metric
    /// with one value per node. Labelled metrics hold the newest value only: rules read them
    /// without a window, one alert per instance.
    public var label: MetricLabel? {
        switch self {
        case .namespaceKeys, .namespaceNoTTLShare, .namespaceTTLJitter, .namespaceExpiryWaveKeys, .namespaceBigKeys,
            .namespaceEvictedPerSec, .namespaceExpiredPerSec, .namespaceMissesPerSec, .namespaceStampedeMissesPerSec,
            .namespaceExpiredShare, .namespaceInvalidatedShare, .namespaceEvictedShare, .namespaceStalenessBoundSeconds,
            .namespaceDeletedPerSec, .namespaceOverwrittenPerSec, .namespaceNewPerSec, .namespaceEndAgeShareP50,
            .namespaceEndAgeShareP90, .namespaceReadsPerSec, .namespaceWritesPerSec, .namespaceDeletesPerSec,
            .namespaceHitRatio:
            return .namespace
        case .replicaLagBytes, .replicaAckSeconds, .replicaOnline: return .replica
        case .slotCPUPercent, .slotCPUShare, .slotNetworkBytesPerSec, .slotKeys: return .slot
        default: return nil
        }
    }

    /// Whether the metric is counted from keyspace events: while they are counted, a namespace
    /// without events in the interval reads 0 rather than absent.
    public var comesFromKeyspaceEvents: Bool {
        switch self {
        case .namespaceEvictedPerSec, .namespaceExpiredPerSec, .namespaceMissesPerSec, .namespaceStampedeMissesPerSec,
            .eventsDroppedPerSec, .namespaceDeletedPerSec, .namespaceOverwrittenPerSec, .namespaceNewPerSec:
            return true
        default: return false
        }
    }

    /// The metrics with one value per node and tick, in vocabulary order: the fields of a
    /// metric line and the columns of a metrics table.
    public static let perNode: [Metric] = allCases.filter { $0.label == nil }
}
