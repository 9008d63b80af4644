/// One-line descriptions of the vocabulary, for `# HELP` lines of the Prometheus exposition
/// (the same text as each case's documentation).
extension Metric {
    /// What the metric measures, in one line.
    public var help: String {
        switch self {
        case .up:
            return "1 when the poll succeeded, 0 when it failed."
        case .opsPerSec:
            return "Commands per second, cachewatch's own polling commands left out."
        case .hitRatio:
            return "Δhits / (Δhits + Δmisses) over the interval; absent when there were no lookups."
        case .hitRatioLifetime:
            return "hits / (hits + misses) since the server started or its stats were reset."
        case .hitsPerSec:
            return "Successful key lookups per second."
        case .missesPerSec:
            return "Failed key lookups per second."
        case .evictedPerSec:
            return "Keys evicted per second to stay under maxmemory."
        case .expiredPerSec:
            return "Keys expired per second."
        case .netInBytesPerSec:
            return "Bytes received per second."
        case .netOutBytesPerSec:
            return "Bytes sent per second."
        case .usedMemoryBytes:
            return "Bytes allocated (used_memory)."
        case .rssBytes:
            return "Resident set size (used_memory_rss)."
        case .maxmemoryBytes:
            return "The maxmemory limit; 0 means none."
        case .memoryUsedRatio:
            return "used_memory / maxmemory; absent when there is no limit."
        case .fragmentationRatio:
            return "rss / used_memory as the server reports it."
        case .clientsConnected:
            return "Connected clients."
        case .clientsBlocked:
            return "Clients in a blocking command."
        case .rejectedConnectionsPerSec:
            return "Connections refused per second (maxclients reached)."
        case .connectionsPerSec:
            return "New connections per second."
        case .errorRepliesPerSec:
            return "Error replies per second (Redis 6.2+)."
        case .cpuPercent:
            return "Server CPU use (user + system) in percent of one core."
        case .keys:
            return "Keys across all databases."
        case .keysWithExpiry:
            return "Keys with a TTL across all databases."
        case .pingMs:
            return "This poll's PING round trip in milliseconds."
        case .pingP50Ms:
            return "Median PING round trip over the latency window, in milliseconds."
        case .pingP99Ms:
            return "99th percentile PING round trip over the latency window, in milliseconds."
        case .pingMaxMs:
            return "Slowest PING round trip over the latency window, in milliseconds."
        case .slowlogNew:
            return "Slow-log entries new in this poll."
        case .missSpikeRatio:
            return "misses/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s): a stampede's signature."
        case .expirySpikeRatio:
            return "(expired + evicted)/s ÷ its recent baseline (EWMA over ~1 minute, at least 5/s)."
        case .hitRatioDrop:
            return "How far the interval hit ratio fell below its recent baseline (ratio points; negative: above)."
        case .evictionsDisabled:
            return "1 when the eviction policy is noeviction (writes fail at the limit), else 0."
        case .allkeysPolicy:
            return "1 under an allkeys-* policy (any key may be evicted, TTL or not), else 0."
        case .volatilePolicy:
            return "1 under a volatile-* policy (only keys with a TTL may be evicted), else 0."
        case .noTTLShare:
            return "Share of keys without a TTL, over all databases (exact, from INFO keyspace); absent with no keys."
        case .replicaLinkUp:
            return "On a replica: 1 while the link to the primary is up, 0 when down; absent on a primary."
        case .replicaLastIOSeconds:
            return "On a replica: seconds since the last interaction with the primary."
        case .rolePrimary:
            return "1 on a primary (role:master), 0 on a replica."
        case .secondsSincePromotion:
            return
                "Seconds since this node became a primary (a failover or a manual REPLICAOF NO ONE), for ten minutes after; absent otherwise."
        case .replicasOnline:
            return "On a primary: replicas attached and online."
        case .replicaLagBytesMax:
            return "On a primary: the biggest replication backlog of its replicas, in bytes not yet acknowledged."
        case .clusterStateOK:
            return "In cluster mode: 1 while cluster_state:ok as this node sees it, else 0."
        case .clusterSlotsUncovered:
            return "In cluster mode: hash slots no reachable node serves (unassigned or on a failed node)."
        case .clusterKnownNodes:
            return "In cluster mode: nodes this node knows."
        case .keysVsOtherPrimaries:
            return "On a cluster primary: its keys over the mean of the other primaries' (1 = even)."
        case .memoryVsOtherPrimaries:
            return "On a cluster primary: its used memory over the mean of the other primaries'."
        case .opsVsOtherPrimaries:
            return "On a cluster primary: its ops/s over the mean of the other primaries' (at least 1/s)."
        case .expiryWaveKeys:
            return "Key sampling: the most keys (estimated) expiring in one second within the forecast horizon."
        case .ttlJitterMin:
            return "Key sampling: the lowest TTL jitter among namespaces with 20+ sampled keys with a TTL."
        case .bigKeys:
            return "Key sampling: keys over the big-key thresholds among the biggest sampled."
        case .largestStringBucketBytes:
            return
                "INFO keysizes (Redis 8+): the lower bound of the largest power-of-two bucket of string sizes with a key, over all databases (1048576: some string is 1–2 MiB); 0 without strings."
        case .largestCollectionBucketItems:
            return "INFO keysizes (Redis 8+): the same for the elements of lists, sets, sorted sets, hashes."
        case .namespaceKeys:
            return "Key sampling, per namespace (label namespace): estimated keys in the whole database."
        case .namespaceNoTTLShare:
            return "Key sampling, per namespace: share of its sampled keys without a TTL."
        case .namespaceTTLJitter:
            return
                "Key sampling, per namespace: its TTL jitter (see NamespaceStats/ttlJitter); absent below 20 sampled keys with a TTL."
        case .namespaceExpiryWaveKeys:
            return
                "Key sampling, per namespace: the most of its keys (estimated) expiring in one second within the forecast horizon."
        case .namespaceBigKeys:
            return "Key sampling, per namespace: its keys over the big-key thresholds among the biggest sampled."
        case .namespaceEvictedPerSec:
            return "Keyspace events, per namespace (label namespace): keys evicted per second."
        case .namespaceExpiredPerSec:
            return "Keyspace events, per namespace: keys expired per second."
        case .namespaceMissesPerSec:
            return "Keyspace events, per namespace: reads of missing keys per second."
        case .namespaceDeletedPerSec:
            return "Keyspace events, per namespace: keys deleted per second (DEL, UNLINK…; flag g)."
        case .namespaceOverwrittenPerSec:
            return "Keyspace events, per namespace: keys overwritten per second (flag o, Redis 8.2+)."
        case .namespaceNewPerSec:
            return "Keyspace events, per namespace: keys added per second (flag n, Redis 7.0+, Valkey)."
        case .namespaceExpiredShare:
            return
                "Key lives, per namespace: share of its keys' ends that were expiries (their TTL ran out), once 5 ends were seen (see NamespaceInvalidation)."
        case .namespaceInvalidatedShare:
            return
                "Key lives, per namespace: share of its keys' ends that were deletions or overwrites before expiry (invalidation on write)."
        case .namespaceEvictedShare:
            return "Key lives, per namespace: share of its keys' ends that were evictions."
        case .namespaceEndAgeShareP50:
            return
                "Key lives, per namespace: the median age of its tracked keys at their end, as a share of their TTL (1: they live their TTL out; 0.2: most are replaced a fifth of the way in)."
        case .namespaceEndAgeShareP90:
            return "Key lives, per namespace: the 90th percentile of that age share."
        case .namespaceStalenessBoundSeconds:
            return
                "Key lives, per namespace: how stale a value may be — its TTL, where the namespace is invalidated by TTL only; absent otherwise (invalidated on write, or not known yet)."
        case .namespaceStampedeMissesPerSec:
            return
                "Keyspace events, per namespace: misses per second of a namespace stampeding now — its misses 4× their rate over the last 10 s while its keys expired in that time (see NamespaceStampede); only stampeding namespaces have a value."
        case .eventsDroppedPerSec:
            return
                "Keyspace events: evictions and expirations the server published but cachewatch never received — lost while the subscription was down, or discarded when the server cut a subscriber that fell behind (client-output-buffer-limit pubsub) — per second; found exactly at each subscription (see KeyEventLoss), absent while not subscribed or when databases other than the watched one hold keys."
        case .namespaceReadsPerSec:
            return
                "Profile (cachewatch profile, the dashboard's P), per namespace: keys looked up per second by read commands, over the time MONITOR was on."
        case .namespaceWritesPerSec:
            return "Profile, per namespace: keys written per second."
        case .namespaceDeletesPerSec:
            return "Profile, per namespace: keys named by DEL, UNLINK, GETDEL per second."
        case .namespaceHitRatio:
            return
                "Profile, per namespace: reads that found their key (from keymiss events, or inferred from the cache-aside pattern); absent without reads."
        case .slotCPUPercent:
            return
                "Cluster slot stats (Redis 8.2+, Valkey 8.0+, cluster-slot-stats-enabled yes), per hot slot (label slot): command execution time spent on the slot's keys, in percent of one core, between the slot's last two readings."
        case .slotCPUShare:
            return
                "Cluster slot stats, per hot slot: the slot's share of the execution time all the node's slots took (1: every command of the node went to this slot)."
        case .slotNetworkBytesPerSec:
            return "Cluster slot stats, per hot slot: request and reply bytes per second."
        case .slotKeys:
            return "Cluster slot stats, per hot slot: keys in the slot (Redis 8.2+, Valkey 8.0+, always kept)."
        case .replicaLagBytes:
            return
                "On a primary, per replica (label replica, ip:port): bytes of the replication stream the replica has not acknowledged."
        case .replicaAckSeconds:
            return "On a primary, per replica: seconds since the replica's last acknowledgement."
        case .replicaOnline:
            return "On a primary, per replica: 1 while its state is online, else 0 (syncing, waiting)."
        }
    }
}
