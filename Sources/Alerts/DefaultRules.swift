/// The built-in rule set, as a rules file: `cachewatch rules --print-defaults` prints it, and a
/// user's file can start from it. Each rule's comment says why its threshold is where it is.
public enum DefaultRules {
    /// The YAML text of the defaults.
    public static let yaml = """
        # cachewatch built-in rules. Metrics: 'cachewatch rules --metrics'. Durations: 30s, 2m, 1h.

        # Keys whose eviction breaks something — a user logged out, a lock held twice, a rate limit
        # reset: the rules below with 'namespaces: critical' watch them, and MemoryFullSoon names
        # those its policy may evict. Edit the patterns to your names.
        critical_namespaces: ["*session*", "*sess:*", "*lock*", "*mutex*", "*ratelimit*", "*rate_limit*",
          "*rate-limit*", "*throttle*", "*quota*"]

        rules:
          # A stampede under way: misses jump far above their baseline while expiries or
          # evictions spiked and the hit ratio fell (keys expiring together, then a herd of
          # readers missing and refilling them).
          - name: StampedeNow
            metric: miss_spike_ratio
            above: 4
            keep_firing_for: 30s
            severity: critical
            requires:
              - metric: expiry_spike_ratio
                above: 4
                over: 10s
                reduce: max
              - metric: hit_ratio_drop
                above: 0.1
            summary: "stampede on {{node}}: misses at {{value}}x their baseline after a wave of expiries; stampeding namespaces: {{top:namespace_stampede_misses_per_sec}}"

          # From key sampling, per namespace: keys that will expire in the same second.
          - name: ExpiryWave
            metric: namespace_expiry_wave_keys
            above: 1000
            keep_firing_for: 1m
            severity: warning
            summary: "~{{value}} keys of {{namespace}} expire in the same second soon on {{node}}"

          # A namespace whose keys expire together: identical TTLs, no jitter — worth fixing
          # when a hundred or more of them expire in the same second.
          - name: NoTTLJitter
            metric: namespace_ttl_jitter
            below: 0.01
            for: 1m
            severity: info
            requires:
              - metric: namespace_expiry_wave_keys
                above: 100
            summary: "{{namespace}} sets identical TTLs (jitter {{value}}) on {{node}}: add a random spread"

          - name: BigKey
            metric: namespace_big_keys
            above: 0
            severity: info
            summary: "{{value}} keys of {{namespace}} over the big-key thresholds on {{node}}"

          # Sessions, locks and rate limits that an allkeys-* policy may evict like any cache
          # entry: logouts, double-held locks, limits reset. Edit the patterns to your names.
          - name: CriticalKeysEvictable
            metric: namespace_keys
            above: 0
            namespaces: critical
            for: 1m
            severity: warning
            requires:
              - metric: allkeys_policy
                above: 0.5
              - metric: maxmemory_bytes
                above: 0
            summary: "{{namespace}} (~{{value}} keys) may be evicted on {{node}}: its policy is allkeys-*"

          # The same critical keys being evicted now, seen in keyspace events (where the server
          # publishes them: notify-keyspace-events with E and e). Any eviction of a session or
          # lock is a user logged out or a lock held twice: no threshold, no hold-down.
          - name: CriticalKeysEvicted
            metric: namespace_evicted_per_sec
            above: 0
            namespaces: critical
            keep_firing_for: 1m
            severity: critical
            summary: "{{namespace}} keys are being evicted on {{node}}: {{value}}/s"

          # Key lives: data that must not be stale (prices, balances, stock, permissions,
          # settings, flags) invalidated by TTL only, with a TTL of 5 min or more — after a change,
          # readers may get the old value for that long. Edit the patterns to your names.
          - name: StaleRisk
            metric: namespace_staleness_bound_seconds
            above: 299
            namespaces: ["*price*", "*balance*", "*inventory*", "*stock*", "*permission*", "*role*",
              "*setting*", "*config*", "*flag*"]
            severity: warning
            summary: "{{namespace}} on {{node}} is invalidated by TTL only: values may be up to {{value}} s stale"

          # Profile (cachewatch profile, the dashboard's P): a namespace with real traffic (a read
          # a second or more while MONITOR was on) that misses more often than it hits — its keys
          # take memory and save the database little. Holds until the next profile.
          - name: LowNamespaceHitRatio
            metric: namespace_hit_ratio
            below: 0.5
            requires:
              - metric: namespace_reads_per_sec
                above: 1
            severity: warning
            summary: "{{namespace}} on {{node}} hits only {{value}} of its reads: its cache saves little"

          # Cluster slot stats (Redis 8.2+, Valkey 8.0+, with cluster-slot-stats-enabled yes): one
          # hash slot takes a quarter or more of a node's command time, and 1 % of a core or more
          # (command execution only, the server's I/O left out: ~200,000 small GETs/s, ~2,000
          # HGETALLs of a hundred fields) — a hot key or a hot hash tag. Resharding cannot split
          # a slot: the fix is in the keys.
          - name: HotSlot
            metric: slot_cpu_share
            above: 0.25
            requires:
              - metric: slot_cpu_percent
                above: 1
            for: 15s
            severity: warning
            summary: "slot {{slot}} takes a share of {{value}} of the command time on {{node}}; its keys: {{slot_namespaces}}"

          # INFO keysizes (Redis 8+): a new, higher power-of-two bucket of string sizes appeared
          # in the last 2 minutes and it is 512 KB or more — a big value was just written
          # (without a scan: the server keeps the histogram).
          - name: BigStringWritten
            metric: largest_string_bucket_bytes
            over: 2m
            reduce: change
            above: 0
            requires:
              - metric: largest_string_bucket_bytes
                above: 524287
            severity: info
            summary: "a bigger string than any before was written on {{node}}: the largest size bucket rose by {{value}} bytes (INFO keysizes)"

          # The same for collections: 8,192 elements or more.
          - name: BigCollectionWritten
            metric: largest_collection_bucket_items
            over: 2m
            reduce: change
            above: 0
            requires:
              - metric: largest_collection_bucket_items
                above: 8191
            severity: info
            summary: "a bigger collection than any before was written on {{node}}: the largest size bucket rose by {{value}} elements (INFO keysizes)"

          # Key lives: any namespace invalidated by TTL only, with a TTL of an hour or more.
          - name: TTLOnlyInvalidation
            metric: namespace_staleness_bound_seconds
            above: 3599
            severity: info
            summary: "{{namespace}} on {{node}} is invalidated by TTL only: values may be up to {{value}} s stale"

          # Keyspace events: the namespaces that take most of a node's evictions (a cache that
          # evicts all the time says where its memory goes; see CriticalKeysEvicted for the keys
          # that must not go).
          - name: EvictionsByNamespace
            metric: evicted_per_sec
            above: 0
            for: 1m
            keep_firing_for: 1m
            severity: info
            requires:
              # Only where keyspace events are counted (events_dropped_per_sec has a value then).
              - metric: events_dropped_per_sec
                above: -1
            summary: "{{node}} evicts {{value}} keys/s, most from: {{top:namespace_evicted_per_sec}}"

          # Under volatile-* only keys with a TTL can be evicted: most of memory then cannot be
          # freed, and writes fail with OOM once the volatile keys are gone.
          - name: UnevictableKeys
            metric: no_ttl_share
            above: 0.5
            for: 5m
            severity: warning
            requires:
              - metric: volatile_policy
                above: 0.5
              - metric: maxmemory_bytes
                above: 0
            summary: "{{value}} of the keys on {{node}} have no TTL, so volatile-* eviction cannot free them"

          # The share of keys without a TTL rising: a write path forgot its TTL (a slow leak).
          - name: NoTTLGrowth
            metric: no_ttl_share
            above: 0.1
            over: 15m
            reduce: change
            for: 5m
            severity: warning
            requires:
              - metric: keys
                above: 1000
            summary: "keys without a TTL rose by {{value}} of the keyspace in 15 min on {{node}}"

          # Per-interval hit ratio, only with real traffic (the lifetime ratio hides incidents).
          - name: LowHitRatio
            metric: hit_ratio
            below: 0.8
            over: 1m
            for: 2m
            keep_firing_for: 1m
            severity: warning
            requires:
              - metric: hits_per_sec
                above: 10
            summary: "hit ratio {{value}} below {{threshold}} on {{node}}"

          # The cause of an eviction incident: memory at its limit and the policy evicting. The
          # evictions, critical keys evicted, namespaces evicted and the hit ratio falling are
          # grouped beneath it (see inhibit_rules at the end). No hold-down: the evictions are the
          # proof, and a cause must not fire after its symptoms.
          - name: MemoryFull
            metric: memory_used_ratio
            above: 0.95
            keep_firing_for: 1m
            severity: warning
            requires:
              - metric: evicted_per_sec
                above: 0
                over: 30s
                reduce: max
            summary: "memory full on {{node}} ({{value}} of maxmemory): its policy evicts keys"

          # Any eviction means the cache is full: keys leave before their TTL.
          - name: EvictionsActive
            metric: evicted_per_sec
            above: 0
            over: 1m
            for: 1m
            keep_firing_for: 2m
            severity: warning
            summary: "{{value}} keys/s evicted on {{node}}"

          - name: EvictionStorm
            metric: evicted_per_sec
            above: 1000
            over: 30s
            for: 30s
            severity: critical
            summary: "eviction storm: {{value}} keys/s evicted on {{node}}"

          - name: MemoryNearMax
            metric: memory_used_ratio
            above: 0.9
            for: 5m
            severity: warning
            summary: "memory at {{value}} of maxmemory on {{node}}"

          # Memory full within 15 minutes at its trend (growth followed as it accelerates; a
          # step is no trend): before the first eviction — once the node evicts, MemoryFull
          # says so. Named: the namespaces growing fastest, and the critical keys an allkeys-*
          # policy may then evict. Under 5 minutes: MemoryFullImminent.
          - name: MemoryFullSoon
            metric: memory_full_eta_seconds
            below: 900
            for: 10s
            severity: warning
            requires:
              - metric: evicted_per_sec
                below: 0.01
                over: 30s
                reduce: max
            summary: "memory of {{node}} full in ~{{value_duration}} at its trend; growing fastest: {{top:namespace_growth_bytes_per_sec}}; critical keys its policy may evict: {{evictable_critical}}"

          - name: MemoryFullImminent
            metric: memory_full_eta_seconds
            below: 300
            for: 10s
            severity: critical
            requires:
              - metric: evicted_per_sec
                below: 0.01
                over: 30s
                reduce: max
            summary: "memory of {{node}} full in ~{{value_duration}} at its trend; growing fastest: {{top:namespace_growth_bytes_per_sec}}; critical keys its policy may evict: {{evictable_critical}}"

          # Traffic far above its usual level for half a minute: a campaign gone viral, a
          # retry storm, a crawler. The usual level is the last 30 minutes' (surges left out).
          - name: TrafficSurge
            metric: ops_surge_ratio
            above: 5
            for: 30s
            keep_firing_for: 1m
            severity: warning
            summary: "traffic surge on {{node}}: ops/s at {{value}}x the usual level; growing fastest: {{top:namespace_growth_bytes_per_sec}}"

          # Connections near maxclients: the next ones are refused.
          - name: ClientsNearMax
            metric: clients_used_ratio
            above: 0.9
            for: 30s
            severity: warning
            summary: "{{node}} has {{value}} of maxclients connected"

          # The main thread busy nine tenths of the time for a minute: commands queue behind
          # each other, latency climbs (I/O threads do not run commands).
          - name: MainThreadSaturated
            metric: main_thread_cpu_ratio
            above: 0.9
            over: 1m
            reduce: average
            for: 1m
            severity: warning
            summary: "the main thread of {{node}} is busy {{value}} of the time: commands queue"

          # noeviction at the limit: every write now fails with OOM.
          - name: NoEvictionFull
            metric: memory_used_ratio
            above: 0.98
            severity: critical
            requires:
              - metric: evictions_disabled
                above: 0.5
            summary: "{{node}} is full under noeviction: writes fail"

          - name: ReplicaDown
            metric: replica_link_up
            below: 1
            for: 30s
            severity: critical
            summary: "the replica {{node}} lost its primary"

          - name: ReplicationLag
            metric: replica_last_io_seconds
            above: 10
            for: 1m
            severity: warning
            summary: "the replica {{node}} heard from its primary {{value}} s ago"

          # Seen from the primary, per replica: a link that is not online (syncing again, or
          # waiting for a full resync) leaves that replica stale or empty.
          - name: ReplicaLinkBroken
            metric: replica_online
            below: 1
            for: 30s
            severity: critical
            summary: "the replica {{replica}} of {{node}} is not online"

          # A replica that stays 16 MB or more behind for two minutes is not catching up (the
          # write rate is above what the link or the replica can take).
          - name: ReplicaLagGrowing
            metric: replica_lag_bytes
            above: 16777216
            for: 2m
            severity: warning
            summary: "the replica {{replica}} of {{node}} is {{value}} bytes behind"

          # A replica became a primary: a failover (or a manual promotion). Worth a look even
          # when it went well: the old primary died, and the clients had to follow.
          - name: Failover
            metric: seconds_since_promotion
            below: 300
            severity: warning
            summary: "{{node}} became a primary {{value}} s ago (failover)"

          # Redis Sentinel, for a primary found through it. Without a quorum no failover can be
          # agreed: the next primary failure is an outage.
          - name: SentinelQuorumLost
            metric: sentinel_quorum_ok
            below: 1
            for: 10s
            severity: critical
            summary: "the sentinels of {{node}} cannot agree a failover (SENTINEL CKQUORUM fails): the next primary failure is an outage"

          # A sentinel in TILT stops acting for 30 s or more: its clock jumped or it stalled.
          - name: SentinelTilt
            metric: sentinels_tilted
            above: 0
            severity: warning
            summary: "{{value}} sentinels of {{node}} are in TILT mode: they will not fail over until it ends"

          # Sentinels naming different primaries: a split, or a failover some have not seen.
          - name: SentinelsDisagree
            metric: sentinels_disagreeing
            above: 0
            for: 30s
            severity: warning
            summary: "{{value}} sentinels name another primary than {{node}}"

          # Redis Cluster, as each node sees it.
          - name: ClusterStateNotOk
            metric: cluster_state_ok
            below: 1
            for: 10s
            severity: critical
            summary: "the cluster is down as {{node}} sees it (cluster_state:fail)"

          - name: SlotsNotCovered
            metric: cluster_slots_uncovered
            above: 0
            for: 10s
            severity: critical
            summary: "{{value}} hash slots are not served (seen from {{node}}): keys there fail"

          # A primary holding half again the memory of the others' mean: a bad slot split or
          # a few huge keys; it evicts first and fails over slowest.
          - name: NodeImbalance
            metric: memory_vs_other_primaries
            above: 1.5
            for: 5m
            severity: warning
            requires:
              - metric: used_memory_bytes
                above: 67108864
            summary: "{{node}} holds {{value}}x the memory of the other primaries"

          # A primary serving twice the others' mean ops/s: hot keys or a hot slot range.
          - name: HotShard
            metric: ops_vs_other_primaries
            above: 2
            for: 1m
            severity: warning
            requires:
              - metric: ops_per_sec
                above: 100
            summary: "{{node}} serves {{value}}x the ops/s of the other primaries (hot shard)"

          # A poll that fails for 30 s in a row (also for a node down from the start: a window
          # of one failed poll is not 30 s of them).
          - name: Down
            metric: up
            below: 1
            for: 30s
            severity: critical
            summary: "{{node}} does not answer"

          - name: RejectedConnections
            metric: rejected_connections_per_sec
            above: 0
            severity: critical
            keep_firing_for: 1m
            summary: "{{node}} refuses connections (maxclients): {{value}}/s"

          - name: BlockedClients
            metric: clients_blocked
            above: 0
            over: 5m
            reduce: min
            for: 1m
            severity: info
            summary: "clients blocked for 5 minutes on {{node}}"

          # PING round trips measured by cachewatch itself.
          - name: LatencyHigh
            metric: ping_p99_ms
            above: 10
            for: 1m
            severity: warning
            summary: "PING p99 {{value}} ms on {{node}}"

          - name: SlowlogBurst
            metric: slowlog_new
            above: 10
            over: 1m
            reduce: max
            keep_firing_for: 2m
            severity: warning
            summary: "{{value}} slow commands in a poll on {{node}}"

          # Fragmentation matters only with real memory in use.
          - name: Fragmentation
            metric: fragmentation_ratio
            above: 1.5
            for: 10m
            severity: info
            requires:
              - metric: used_memory_bytes
                above: 104857600
            summary: "fragmentation {{value}} on {{node}}"

        # One incident, one voice: while a cause fires, the alerts it explains on the same node are
        # listed beneath it as its symptoms, marked with it (Alertmanager quiets them with the
        # inhibit_rules that 'cachewatch rules --export alertmanager' writes).
        inhibit_rules:
          # Memory full under an evicting policy: the evictions, the critical keys evicted or
          # evictable, the namespaces evicted, memory near its limit, the hit ratio falling.
          - cause: MemoryFull
            symptoms: [MemoryNearMax, EvictionsActive, EvictionStorm, EvictionsByNamespace, CriticalKeysEvicted,
              CriticalKeysEvictable, LowHitRatio, LowNamespaceHitRatio]
            equal: [node]
          # A stampede: the hit ratio falls because of it.
          - cause: StampedeNow
            symptoms: [LowHitRatio, LowNamespaceHitRatio]
            equal: [node]
        """

    /// The parsed defaults: rules and inhibitions.
    /// Parsed once; the text is part of the program and covered by tests, so an error here is a bug.
    public static let ruleSet = (try? RuleFile.parseRuleSet(yaml, source: "defaults")) ?? RuleSet(rules: [])

    /// The default rules.
    public static var rules: [AlertRule] { ruleSet.rules }

    /// The default inhibitions.
    public static var inhibitions: [Inhibition] { ruleSet.inhibitions }
}
