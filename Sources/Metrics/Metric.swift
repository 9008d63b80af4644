/// The metric vocabulary: stable names (used in JSON lines, logfmt, CSV headers, rules and the
/// Prometheus exposition), with units. Rates are per second over the interval between two
/// successful polls.
///
/// Each metric is declared once, in its entry of ``declarations``: its name, unit, label,
/// source and help. Everything else — `rules --metrics`, the exposition's names and `# HELP`
/// lines, which metrics a namespace reads as 0 rather than absent, the fields of metric lines —
/// derives from that declaration. Adding a metric is a case here, its declaration below (the
/// compiler asks for it), and the code that computes it.
public enum Metric: Int, CaseIterable, Sendable, Hashable {
    case up, opsPerSec, hitRatio, hitRatioLifetime, hitsPerSec, missesPerSec, evictedPerSec, expiredPerSec
    case netInBytesPerSec, netOutBytesPerSec, usedMemoryBytes, rssBytes, maxmemoryBytes, memoryUsedRatio
    case fragmentationRatio, clientsConnected, clientsBlocked, rejectedConnectionsPerSec, connectionsPerSec
    case errorRepliesPerSec, cpuPercent, keys, keysWithExpiry, pingMs, pingP50Ms, pingP99Ms, pingMaxMs, slowlogNew
    case missSpikeRatio, expirySpikeRatio, hitRatioDrop, evictionsDisabled, allkeysPolicy, volatilePolicy, noTTLShare
    case replicaLinkUp, replicaLastIOSeconds, rolePrimary, secondsSincePromotion, replicasOnline, replicaLagBytesMax
    case clusterStateOK, clusterSlotsUncovered, clusterKnownNodes, keysVsOtherPrimaries, memoryVsOtherPrimaries
    case opsVsOtherPrimaries, expiryWaveKeys, ttlJitterMin, bigKeys, largestStringBucketBytes
    case largestCollectionBucketItems, namespaceKeys, namespaceNoTTLShare, namespaceTTLJitter, namespaceExpiryWaveKeys
    case namespaceBigKeys, namespaceEvictedPerSec, namespaceExpiredPerSec, namespaceMissesPerSec
    case namespaceDeletedPerSec, namespaceOverwrittenPerSec, namespaceNewPerSec, namespaceExpiredShare
    case namespaceInvalidatedShare, namespaceEvictedShare, namespaceEndAgeShareP50, namespaceEndAgeShareP90
    case namespaceStalenessBoundSeconds, namespaceStampedeMissesPerSec, eventsDroppedPerSec, namespaceReadsPerSec
    case namespaceWritesPerSec, namespaceDeletesPerSec, namespaceHitRatio, slotCPUPercent, slotCPUShare
    case slotNetworkBytesPerSec, slotKeys, replicaLagBytes, replicaAckSeconds, replicaOnline
    case namespaceUncertainEndShare, opsSurgeRatio, netSurgeRatio, connectionsSurgeRatio, missesSurgeRatio
    case memoryFullEtaSeconds, clientsUsedRatio, clientsFullEtaSeconds, mainThreadCPURatio
    case mainThreadCPUFullEtaSeconds, namespaceGrowthBytesPerSec, namespaceEvictionPropensity
    case sentinelsReachable, sentinelQuorumOK, sentinelsTilted, sentinelsDisagreeing
    case hotkeyAccessesPerSec, hotkeyCPUPercent, hotkeyNetworkBytesPerSec

    /// The metric's place in the vocabulary, its index in `allCases` (cases are numbered in
    /// declaration order): tables indexed by metric use it.
    @inlinable public var ordinal: Int { rawValue }

    /// Everything declared about the metric.
    public var declaration: MetricDeclaration { Self.declarations[rawValue] }

    /// The name in metric lines, CSV headers, rules files and JSON (`ops_per_sec`).
    public var name: String { declaration.name }

    /// The unit, as documented.
    public var unit: MetricUnit { declaration.unit }

    /// The label that tells this metric's instances apart (`namespace`), or `nil` for a metric
    /// with one value per node. Labelled metrics hold the newest value only: rules read them
    /// without a window, one alert per instance.
    public var label: MetricLabel? { declaration.label }

    /// Where the metric's values come from.
    public var source: MetricSource { declaration.source }

    /// What the metric measures, in one line (`# HELP`, `rules --metrics`).
    public var help: String { declaration.help }

    /// Whether the metric is counted from keyspace events: while they are counted, a namespace
    /// without events in the interval reads 0 rather than absent.
    public var comesFromKeyspaceEvents: Bool { declaration.source == .keyspaceEvents }

    /// The metric named `name` (`ops_per_sec`), if any.
    public init?(name: String) {
        guard let metric = Self.byName[name] else { return nil }
        self = metric
    }

    /// The metrics with one value per node and tick, in vocabulary order: the fields of a
    /// metric line and the columns of a metrics table.
    public static let perNode: [Metric] = allCases.filter { $0.label == nil }

    /// Every metric's declaration, indexed by ordinal.
    public static let declarations: [MetricDeclaration] = allCases.map(\.declared)

    private static let byName: [String: Metric] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.name, $0) })

    /// The one place a metric is described: name, unit, label, source, help.
    private var declared: MetricDeclaration {
        switch self {
        case .up: .init("up", .flag, from: .poll, "1 when the poll succeeded, 0 when it failed.")
        case .opsPerSec:
            .init(
                "ops_per_sec", .perSecond, from: .poll,
                "Commands per second, cachewatch's own polling commands left out.")
        case .hitRatio:
            .init(
                "hit_ratio", .ratio, from: .poll,
                "Δhits / (Δhits + Δmisses) over the interval; absent when there were no lookups.")
        case .hitRatioLifetime:
            .init(
                "hit_ratio_lifetime", .ratio, from: .poll,
                "hits / (hits + misses) since the server started or its stats were reset, less cachewatch's own lookups since it began watching (its sampling's TYPE and PTTL count as hits on the server).")
        case .hitsPerSec: .init("hits_per_sec", .perSecond, from: .poll, "Successful key lookups per second.")
        case .missesPerSec: .init("misses_per_sec", .perSecond, from: .poll, "Failed key lookups per second.")
        case .evictedPerSec:
            .init(
                "evicted_per_sec", .perSecond, from: .poll,
                "Keys evicted per second to stay under maxmemory.")
        case .expiredPerSec: .init("expired_per_sec", .perSecond, from: .poll, "Keys expired per second.")
        case .netInBytesPerSec:
            .init(
                "net_in_bytes_per_sec", .bytesPerSecond, from: .poll,
                "Bytes received per second.")
        case .netOutBytesPerSec: .init("net_out_bytes_per_sec", .bytesPerSecond, from: .poll, "Bytes sent per second.")
        case .usedMemoryBytes: .init("used_memory_bytes", .bytes, from: .poll, "Bytes allocated (used_memory).")
        case .rssBytes: .init("rss_bytes", .bytes, from: .poll, "Resident set size (used_memory_rss).")
        case .maxmemoryBytes: .init("maxmemory_bytes", .bytes, from: .poll, "The maxmemory limit; 0 means none.")
        case .memoryUsedRatio:
            .init(
                "memory_used_ratio", .ratio, from: .poll,
                "used_memory / maxmemory; absent when there is no limit.")
        case .fragmentationRatio:
            .init(
                "fragmentation_ratio", .ratio, from: .poll,
                "rss / used_memory as the server reports it.")
        case .clientsConnected: .init("clients_connected", .count, from: .poll, "Connected clients.")
        case .clientsBlocked: .init("clients_blocked", .count, from: .poll, "Clients in a blocking command.")
        case .rejectedConnectionsPerSec:
            .init(
                "rejected_connections_per_sec", .perSecond, from: .poll,
                "Connections refused per second (maxclients reached).")
        case .connectionsPerSec: .init("connections_per_sec", .perSecond, from: .poll, "New connections per second.")
        case .errorRepliesPerSec:
            .init(
                "error_replies_per_sec", .perSecond, from: .poll,
                "Error replies per second (Redis 6.2+).")
        case .cpuPercent:
            .init(
                "cpu_percent", .percent, from: .poll,
                "Server CPU use (user + system) in percent of one core.")
        case .keys: .init("keys", .count, from: .poll, "Keys across all databases.")
        case .keysWithExpiry: .init("keys_with_expiry", .count, from: .poll, "Keys with a TTL across all databases.")
        case .pingMs: .init("ping_ms", .milliseconds, from: .poll, "This poll's PING round trip in milliseconds.")
        case .pingP50Ms:
            .init(
                "ping_p50_ms", .milliseconds, from: .poll,
                "Median PING round trip over the latency window, in milliseconds.")
        case .pingP99Ms:
            .init(
                "ping_p99_ms", .milliseconds, from: .poll,
                "99th percentile PING round trip over the latency window, in milliseconds.")
        case .pingMaxMs:
            .init(
                "ping_max_ms", .milliseconds, from: .poll,
                "Slowest PING round trip over the latency window, in milliseconds.")
        case .slowlogNew: .init("slowlog_new", .count, from: .poll, "Slow-log entries new in this poll.")
        case .missSpikeRatio:
            .init(
                "miss_spike_ratio", .ratio, from: .poll,
                "misses/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s): a stampede's signature.")
        case .expirySpikeRatio:
            .init(
                "expiry_spike_ratio", .ratio, from: .poll,
                "(expired + evicted)/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s).")
        case .hitRatioDrop:
            .init(
                "hit_ratio_drop", .ratio, from: .poll,
                "How far the interval hit ratio fell below its recent baseline (ratio points; negative: above).")
        case .evictionsDisabled:
            .init(
                "evictions_disabled", .flag, from: .poll,
                "1 when the eviction policy is noeviction (writes fail at the limit), else 0.")
        case .allkeysPolicy:
            .init(
                "allkeys_policy", .flag, from: .poll,
                "1 under an allkeys-* policy (any key may be evicted, TTL or not), else 0.")
        case .volatilePolicy:
            .init(
                "volatile_policy", .flag, from: .poll,
                "1 under a volatile-* policy (only keys with a TTL may be evicted), else 0.")
        case .noTTLShare:
            .init(
                "no_ttl_share", .ratio, from: .poll,
                "Share of keys without a TTL, over all databases (exact, from INFO keyspace); absent with no keys.")
        case .replicaLinkUp:
            .init(
                "replica_link_up", .flag, from: .poll,
                "On a replica: 1 while the link to the primary is up, 0 when down; absent on a primary.")
        case .replicaLastIOSeconds:
            .init(
                "replica_last_io_seconds", .seconds, from: .poll,
                "On a replica: seconds since the last interaction with the primary.")
        case .rolePrimary: .init("role_primary", .flag, from: .poll, "1 on a primary (role:master), 0 on a replica.")
        case .secondsSincePromotion:
            .init(
                "seconds_since_promotion", .seconds, from: .poll,
                "Seconds since this node became a primary (a failover or a manual REPLICAOF NO ONE), for ten minutes after; absent otherwise."
            )
        case .replicasOnline:
            .init(
                "replicas_online", .count, from: .poll,
                "On a primary: replicas attached and online.")
        case .replicaLagBytesMax:
            .init(
                "replica_lag_bytes_max", .bytes, from: .poll,
                "On a primary: the biggest replication backlog of its replicas, in bytes not yet acknowledged.")
        case .clusterStateOK:
            .init(
                "cluster_state_ok", .flag, from: .poll,
                "In cluster mode: 1 while cluster_state:ok as this node sees it, else 0.")
        case .clusterSlotsUncovered:
            .init(
                "cluster_slots_uncovered", .count, from: .poll,
                "In cluster mode: hash slots no reachable node serves (unassigned or on a failed node).")
        case .clusterKnownNodes:
            .init(
                "cluster_known_nodes", .count, from: .poll,
                "In cluster mode: nodes this node knows.")
        case .keysVsOtherPrimaries:
            .init(
                "keys_vs_other_primaries", .ratio, from: .poll,
                "On a cluster primary: its keys over the mean of the other primaries' (1 = even; the mean taken as at least 1,000 keys)."
            )
        case .memoryVsOtherPrimaries:
            .init(
                "memory_vs_other_primaries", .ratio, from: .poll,
                "On a cluster primary: its used memory over the mean of the other primaries' (at least 64 MiB).")
        case .opsVsOtherPrimaries:
            .init(
                "ops_vs_other_primaries", .ratio, from: .poll,
                "On a cluster primary: its ops/s over the mean of the other primaries' (at least 100/s).")
        case .expiryWaveKeys:
            .init(
                "expiry_wave_keys", .count, from: .keySampling,
                "Key sampling: the most keys (estimated) expiring in one second within the forecast horizon.")
        case .ttlJitterMin:
            .init(
                "ttl_jitter_min", .ratio, from: .keySampling,
                "Key sampling: the lowest TTL jitter among namespaces with 20+ sampled keys with a TTL.")
        case .bigKeys:
            .init(
                "big_keys", .count, from: .keySampling,
                "Key sampling: keys over the big-key thresholds among the biggest sampled.")
        case .largestStringBucketBytes:
            .init(
                "largest_string_bucket_bytes", .bytes, from: .poll,
                "INFO keysizes (Redis 8+): the lower bound of the largest power-of-two bucket of string sizes with a key, over all databases (1048576: some string is 1–2 MiB); 0 without strings."
            )
        case .largestCollectionBucketItems:
            .init(
                "largest_collection_bucket_items", .count, from: .poll,
                "INFO keysizes (Redis 8+): the same for the elements of lists, sets, sorted sets, hashes.")
        case .namespaceKeys:
            .init(
                "namespace_keys", .count, per: .namespace, from: .keySampling,
                "Key sampling, per namespace (label namespace): estimated keys in the whole database.")
        case .namespaceNoTTLShare:
            .init(
                "namespace_no_ttl_share", .ratio, per: .namespace, from: .keySampling,
                "Key sampling, per namespace: share of its sampled keys without a TTL.")
        case .namespaceTTLJitter:
            .init(
                "namespace_ttl_jitter", .ratio, per: .namespace, from: .keySampling,
                "Key sampling, per namespace: its TTL jitter (see NamespaceStats/ttlJitter); absent below 20 sampled keys with a TTL."
            )
        case .namespaceExpiryWaveKeys:
            .init(
                "namespace_expiry_wave_keys", .count, per: .namespace, from: .keySampling,
                "Key sampling, per namespace: the most of its keys (estimated) expiring in one second within the forecast horizon."
            )
        case .namespaceBigKeys:
            .init(
                "namespace_big_keys", .count, per: .namespace, from: .keySampling,
                "Key sampling, per namespace: its keys over the big-key thresholds among the biggest sampled.")
        case .namespaceEvictedPerSec:
            .init(
                "namespace_evicted_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace (label namespace): keys evicted per second.")
        case .namespaceExpiredPerSec:
            .init(
                "namespace_expired_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: keys expired per second.")
        case .namespaceMissesPerSec:
            .init(
                "namespace_misses_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: reads of missing keys per second.")
        case .namespaceDeletedPerSec:
            .init(
                "namespace_deleted_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: keys deleted per second (DEL, UNLINK…; flag g).")
        case .namespaceOverwrittenPerSec:
            .init(
                "namespace_overwritten_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: keys overwritten per second (flag o, Redis 8.2+).")
        case .namespaceNewPerSec:
            .init(
                "namespace_new_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: keys added per second (flag n, Redis 7.0+, Valkey).")
        case .namespaceExpiredShare:
            .init(
                "namespace_expired_share", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: share of its keys' ends that were expiries (their TTL ran out), once 5 ends were seen (see NamespaceInvalidation)."
            )
        case .namespaceInvalidatedShare:
            .init(
                "namespace_invalidated_share", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: share of the writer's ends (expiries, deletions, overwrites; not evictions, uncertain ends or refill races) that were deletions or overwrites before expiry — invalidation on write."
            )
        case .namespaceEvictedShare:
            .init(
                "namespace_evicted_share", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: share of its keys' ends that were evictions (known by keyspace events; with only the node's eviction counter, see namespace_uncertain_end_share)."
            )
        case .namespaceUncertainEndShare:
            .init(
                "namespace_uncertain_end_share", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: share of its keys' ends that the evidence cannot place — removed or rewritten early while the node evicted, as often as its eviction rate explains — counted neither as evictions nor as the writer's (see NamespaceInvalidation)."
            )
        case .namespaceEndAgeShareP50:
            .init(
                "namespace_end_age_share_p50", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: the median age of its tracked keys at their end, as a share of their TTL (1: they live their TTL out; 0.2: most are replaced a fifth of the way in)."
            )
        case .namespaceEndAgeShareP90:
            .init(
                "namespace_end_age_share_p90", .ratio, per: .namespace, from: .keyLife,
                "Key lives, per namespace: the 90th percentile of that age share.")
        case .namespaceStalenessBoundSeconds:
            .init(
                "namespace_staleness_bound_seconds", .seconds, per: .namespace, from: .keyLife,
                "Key lives, per namespace: how stale a value may be — its TTL, where the namespace is invalidated by TTL only; absent otherwise (invalidated on write, or not known yet)."
            )
        case .namespaceStampedeMissesPerSec:
            .init(
                "namespace_stampede_misses_per_sec", .perSecond, per: .namespace, from: .keyspaceEvents,
                "Keyspace events, per namespace: misses per second of a namespace stampeding now — its misses 4× their rate over the last 10 s while its keys expired in that time (see NamespaceStampede); only stampeding namespaces have a value."
            )
        case .eventsDroppedPerSec:
            .init(
                "events_dropped_per_sec", .perSecond, from: .keyspaceEvents,
                "Keyspace events: evictions and expirations the server published but cachewatch never received — lost while the subscription was down, or discarded when the server cut a subscriber that fell behind (client-output-buffer-limit pubsub) — per second; found exactly at each subscription (see KeyEventLoss), absent while not subscribed or when databases other than the watched one hold keys."
            )
        case .namespaceReadsPerSec:
            .init(
                "namespace_reads_per_sec", .perSecond, per: .namespace, from: .profile,
                "Profile (cachewatch profile, the dashboard's P), per namespace: keys looked up per second by read commands, over the time MONITOR was on."
            )
        case .namespaceWritesPerSec:
            .init(
                "namespace_writes_per_sec", .perSecond, per: .namespace, from: .profile,
                "Profile, per namespace: keys written per second.")
        case .namespaceDeletesPerSec:
            .init(
                "namespace_deletes_per_sec", .perSecond, per: .namespace, from: .profile,
                "Profile, per namespace: keys named by DEL, UNLINK, GETDEL per second.")
        case .namespaceHitRatio:
            .init(
                "namespace_hit_ratio", .ratio, per: .namespace, from: .profile,
                "Profile, per namespace: reads that found their key (from keymiss events, or inferred from the cache-aside pattern); absent without reads."
            )
        case .slotCPUPercent:
            .init(
                "slot_cpu_percent", .percent, per: .slot, from: .slotStats,
                "Cluster slot stats (Redis 8.2+, Valkey 8.0+, cluster-slot-stats-enabled yes), per hot slot (label slot): command execution time spent on the slot's keys, in percent of one core, between the slot's last two readings."
            )
        case .slotCPUShare:
            .init(
                "slot_cpu_share", .ratio, per: .slot, from: .slotStats,
                "Cluster slot stats, per hot slot: the slot's share of the execution time all the node's slots took (1: every command of the node went to this slot)."
            )
        case .slotNetworkBytesPerSec:
            .init(
                "slot_net_bytes_per_sec", .bytesPerSecond, per: .slot, from: .slotStats,
                "Cluster slot stats, per hot slot: request and reply bytes per second.")
        case .slotKeys:
            .init(
                "slot_keys", .count, per: .slot, from: .slotStats,
                "Cluster slot stats, per hot slot: keys in the slot (Redis 8.2+, Valkey 8.0+, always kept).")
        case .replicaLagBytes:
            .init(
                "replica_lag_bytes", .bytes, per: .replica, from: .poll,
                "On a primary, per replica (label replica, ip:port): bytes of the replication stream the replica has not acknowledged."
            )
        case .replicaAckSeconds:
            .init(
                "replica_ack_seconds", .seconds, per: .replica, from: .poll,
                "On a primary, per replica: seconds since the replica's last acknowledgement.")
        case .replicaOnline:
            .init(
                "replica_online", .flag, per: .replica, from: .poll,
                "On a primary, per replica: 1 while its state is online, else 0 (syncing, waiting).")
        case .opsSurgeRatio:
            .init(
                "ops_surge_ratio", .ratio, from: .poll,
                "ops/s ÷ its usual level: the median of the last 30 minutes' 10-second medians, the newest 30 s and earlier surges left out (see SurgeBaseline)."
            )
        case .netSurgeRatio:
            .init(
                "net_surge_ratio", .ratio, from: .poll,
                "Network bytes per second (in + out) ÷ their usual level, as ops_surge_ratio.")
        case .connectionsSurgeRatio:
            .init(
                "connections_surge_ratio", .ratio, from: .poll,
                "New connections per second ÷ their usual level (at least 1/s), as ops_surge_ratio.")
        case .missesSurgeRatio:
            .init(
                "misses_surge_ratio", .ratio, from: .poll,
                "Misses per second ÷ their usual level (at least 5/s), as ops_surge_ratio.")
        case .memoryFullEtaSeconds:
            .init(
                "memory_full_eta_seconds", .seconds, from: .poll,
                "Seconds until used_memory reaches maxmemory at its current trend (accelerating growth followed); absent when memory does not grow or there is no limit (see GrowthForecast).",
                absentMeansNone: true
            )
        case .clientsUsedRatio:
            .init("clients_used_ratio", .ratio, from: .poll, "Connected clients ÷ maxclients.")
        case .clientsFullEtaSeconds:
            .init(
                "clients_full_eta_seconds", .seconds, from: .poll,
                "Seconds until connected clients reach maxclients at their current trend; absent when they do not grow.",
                absentMeansNone: true
            )
        case .mainThreadCPURatio:
            .init(
                "main_thread_cpu_ratio", .ratio, from: .poll,
                "CPU seconds per second of the server's main thread (used_cpu_*_main_thread; the whole process where the server does not tell): 1 is the one core it can use."
            )
        case .mainThreadCPUFullEtaSeconds:
            .init(
                "main_thread_cpu_full_eta_seconds", .seconds, from: .poll,
                "Seconds until main_thread_cpu_ratio reaches 1 at its current trend; absent when it does not grow.",
                absentMeansNone: true)
        case .namespaceGrowthBytesPerSec:
            .init(
                "namespace_growth_bytes_per_sec", .bytesPerSecond, per: .namespace, from: .keySampling,
                "Key sampling, per namespace: how fast its estimated memory grows (least squares over the last 10 minutes; negative: it shrinks)."
            )
        case .namespaceEvictionPropensity:
            .init(
                "namespace_eviction_propensity", .ratio, per: .namespace, from: .keySampling,
                "Key sampling under an LRU or LFU policy, per namespace: how much likelier than the node's average key its keys are to be evicted next, from the idle times (LRU) or access frequencies (LFU) of the newest 4,096 sampled keys (1: as likely; cold namespaces go first)."
            )
        case .sentinelsReachable:
            .init(
                "sentinels_reachable", .count, from: .sentinel,
                "On the primary of a group found through Sentinel: the sentinels that answer.")
        case .sentinelQuorumOK:
            .init(
                "sentinel_quorum_ok", .flag, from: .sentinel,
                "On the primary of a group found through Sentinel: 1 while a reachable sentinel says SENTINEL CKQUORUM OK (enough sentinels to agree a failover), else 0."
            )
        case .sentinelsTilted:
            .init(
                "sentinels_tilted", .count, from: .sentinel,
                "On the primary of a group found through Sentinel: reachable sentinels in TILT mode (they stopped acting after a clock jump or a stall)."
            )
        case .sentinelsDisagreeing:
            .init(
                "sentinels_disagreeing", .count, from: .sentinel,
                "On the primary of a group found through Sentinel: reachable sentinels that name another primary than most do."
            )
        case .hotkeyAccessesPerSec:
            .init(
                "hotkey_accesses_per_sec", .perSecond, per: .hotKey, from: .serverHotKeys,
                "Valkey 9.2+ with hotkeys-top-k above 0, per hot key (label hotkey, at most 20): the server's estimate of the key's accesses per second over its last completed window (sampled, Space-Saving)."
            )
        case .hotkeyCPUPercent:
            .init(
                "hotkey_cpu_percent", .percent, per: .hotKey, from: .serverHotKeys,
                "Redis 8.6+ during a HOTKEYS session, per hot key (label hotkey, at most 20): CPU time the server spent on the key, in percent of one core over the session."
            )
        case .hotkeyNetworkBytesPerSec:
            .init(
                "hotkey_net_bytes_per_sec", .bytesPerSecond, per: .hotKey, from: .serverHotKeys,
                "Redis 8.6+ during a HOTKEYS session, per hot key (label hotkey, at most 20): request and reply bytes of the key per second over the session."
            )
        }
    }
}
