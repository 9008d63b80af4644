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
            description: "Readers are refilling keys that expired together. Now: serve stale values or let one reader refill per key (a lock or request coalescing) in the namespaces named; later: add TTL jitter (see NoTTLJitter) and refresh hot keys before they expire."

          # From key sampling, per namespace: keys that will expire in the same second.
          - name: ExpiryWave
            metric: namespace_expiry_wave_keys
            above: 1000
            keep_firing_for: 1m
            severity: warning
            summary: "~{{value}} keys of {{namespace}} expire in the same second soon on {{node}}"
            description: "Keys written with one fixed TTL in a batch will expire together and their readers will miss at once. Add a random spread to the TTL (±10 %) or refresh them ahead of expiry; watch StampedeNow when the second comes."

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
            description: "Every key of this namespace gets the same TTL, so keys written together expire together. Set TTL = base × (1 + random(0, 0.1)) in the code that writes them."

          - name: BigKey
            metric: namespace_big_keys
            above: 0
            severity: info
            summary: "{{value}} keys of {{namespace}} over the big-key thresholds on {{node}}"
            description: "Big keys block the server while they are read, written, deleted or migrated. Find them in the keyspace view or 'cachewatch scan'; split them (hash buckets, paged lists), and delete them with UNLINK, not DEL."

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
            description: "An allkeys-* policy may evict these sessions, locks or limits like any cache entry. Give them their own node or database with noeviction, or switch to a volatile-* policy and keep TTLs on cache keys only."

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
            description: "Keys that must not vanish are being evicted: users logged out, locks lost, limits reset. Free memory now (raise maxmemory, delete big or stale keys), then move these keys where nothing evicts them."

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
            description: "Nothing deletes or rewrites these keys when their source changes: readers may see values as old as the TTL. Invalidate on write (DEL on update), or shorten the TTL to what staleness the data tolerates."

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
            description: "Most reads of this namespace miss: the cache costs memory and a round trip for little. Check the TTL is not shorter than the time between reads, that keys are written after a miss, and that the key names readers ask for are the ones written."

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
            description: "One hash slot takes much of its node's command time: a hot key or a hash tag that groups many keys. Resharding cannot split a slot: spread the key (replicas for reads, a client-side cache, or several keys), or drop the hash tag."

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
            description: "A string larger than any before was written. Check the writer (an unbounded payload, a serialised collection); big values slow every read and replication."

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
            description: "A collection larger than any before was written. Check the writer for unbounded growth (a list never trimmed, a set never expired); cap it (LTRIM, ZREMRANGEBYRANK) or page it."

          # Key lives: any namespace invalidated by TTL only, with a TTL of an hour or more.
          - name: TTLOnlyInvalidation
            metric: namespace_staleness_bound_seconds
            above: 3599
            severity: info
            summary: "{{namespace}} on {{node}} is invalidated by TTL only: values may be up to {{value}} s stale"
            description: "This namespace is never deleted or rewritten when its data changes, only expired: readers may see values as old as the TTL. Invalidate on write or shorten the TTL."

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
            description: "Memory is full and the policy is evicting; the namespaces named lose keys fastest. Raise maxmemory, shorten the TTLs of the biggest namespaces, or move a namespace to its own node."

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
            description: "Under a volatile-* policy only keys with a TTL can be evicted; these cannot, and will fill memory. Give cache keys a TTL, or switch to an allkeys-* policy if every key is a cache entry."

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
            description: "Keys without a TTL are growing: something writes keys it never expires (a missing EX, a PERSIST). Find the namespace in the keyspace view (no TTL column) and add the TTL in its writer."

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
            description: "Most reads miss: the database takes the load the cache should. Check for a deploy that changed key names, a flush, a TTL cut, or evictions (EvictionsActive); the keyspace view shows which namespaces miss."

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
            description: "Memory is at maxmemory: the policy now evicts keys on every write. Raise maxmemory or free memory (big keys, keys without TTL); check the evicted namespaces in the keyspace view."

          # Any eviction means the cache is full: keys leave before their TTL.
          - name: EvictionsActive
            metric: evicted_per_sec
            above: 0
            over: 1m
            for: 1m
            keep_firing_for: 2m
            severity: warning
            summary: "{{value}} keys/s evicted on {{node}}"
            description: "The server evicts keys to make room: readers will miss keys that were not due to expire. Raise maxmemory or cut memory (big keys, long TTLs) before it turns into an eviction storm."

          - name: EvictionStorm
            metric: evicted_per_sec
            above: 1000
            over: 30s
            for: 30s
            severity: critical
            summary: "eviction storm: {{value}} keys/s evicted on {{node}}"
            description: "Keys are evicted as fast as they are written: the hit ratio falls and the database takes the load. Raise maxmemory now, or shed writers of the biggest namespaces; then find what grew (MemoryFullSoon, NoTTLGrowth)."

          - name: MemoryNearMax
            metric: memory_used_ratio
            above: 0.9
            for: 5m
            severity: warning
            summary: "memory at {{value}} of maxmemory on {{node}}"
            description: "Memory is close to maxmemory. Plan room: raise maxmemory, shorten TTLs, remove big keys — before evictions start."

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
            description: "At this trend memory reaches maxmemory soon. Find what grows (the namespaces named) and stop it, or add memory; make sure the critical keys named cannot be evicted."

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
            description: "Memory reaches maxmemory within minutes at this trend. Act now: raise maxmemory, stop the namespaces growing fastest, protect the critical keys named."

          # Traffic far above its usual level for half a minute: a campaign gone viral, a
          # retry storm, a crawler. The usual level is the last 30 minutes' (surges left out).
          - name: TrafficSurge
            metric: ops_surge_ratio
            above: 5
            for: 30s
            keep_firing_for: 1m
            severity: warning
            summary: "traffic surge on {{node}}: ops/s at {{value}}x the usual level; growing fastest: {{top:namespace_growth_bytes_per_sec}}"
            description: "Traffic is several times its usual level for this time of day. Check it is expected (a campaign, a batch); watch latency, the main thread and memory; a stampede or a retry storm looks like this too."

          # Connections near maxclients: the next ones are refused.
          - name: ClientsNearMax
            metric: clients_used_ratio
            above: 0.9
            for: 30s
            severity: warning
            summary: "{{node}} has {{value}} of maxclients connected"
            description: "Connections approach maxclients; new ones will be refused. Look for a connection leak or a pool sized too large (CLIENT LIST by name or address), or raise maxclients."

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
            description: "The server's one command thread is nearly always busy: every command waits. Look for slow commands (slow log), big keys, KEYS or Lua scripts; spread reads to replicas or split the data."

          # noeviction at the limit: every write now fails with OOM.
          - name: NoEvictionFull
            metric: memory_used_ratio
            above: 0.98
            severity: critical
            requires:
              - metric: evictions_disabled
                above: 0.5
            summary: "{{node}} is full under noeviction: writes fail"
            description: "Under noeviction a full server refuses writes with OOM errors. Raise maxmemory or free memory now; if this is a cache, an allkeys-lru or allkeys-lfu policy evicts instead of failing."

          - name: ReplicaDown
            metric: replica_link_up
            below: 1
            for: 30s
            severity: critical
            summary: "the replica {{node}} lost its primary"
            description: "The replica lost its link to its primary: it serves stale data and cannot take over. Check the primary's reachability and the replica's log (a full resync, a buffer limit hit)."

          - name: ReplicationLag
            metric: replica_last_io_seconds
            above: 10
            for: 1m
            severity: warning
            summary: "the replica {{node}} heard from its primary {{value}} s ago"
            description: "The replica has not heard from its primary for a while: its data is behind. Check the network between them and the primary's load."

          # Seen from the primary, per replica: a link that is not online (syncing again, or
          # waiting for a full resync) leaves that replica stale or empty.
          - name: ReplicaLinkBroken
            metric: replica_online
            below: 1
            for: 30s
            severity: critical
            summary: "the replica {{replica}} of {{node}} is not online"
            description: "The primary lists this replica as not online. Check the replica is up and can reach the primary; a replica that keeps resyncing needs a larger client-output-buffer-limit replica or repl-backlog-size."

          # A replica that stays 16 MB or more behind for two minutes is not catching up (the
          # write rate is above what the link or the replica can take).
          - name: ReplicaLagGrowing
            metric: replica_lag_bytes
            above: 16777216
            for: 2m
            severity: warning
            summary: "the replica {{replica}} of {{node}} is {{value}} bytes behind"
            description: "The replica falls further behind: it cannot keep up with the primary's writes, or the link is slow. Check the replica's CPU and network; big writes (big keys) make it worse."

          # A replica became a primary: a failover (or a manual promotion). Worth a look even
          # when it went well: the old primary died, and the clients had to follow.
          - name: Failover
            metric: seconds_since_promotion
            below: 300
            severity: warning
            summary: "{{node}} became a primary {{value}} s ago (failover)"
            description: "A replica became the primary: the old one died or was switched. Check the old primary's log for why, that clients follow the new primary, and that a replica is back."

          # Redis Sentinel, for a primary found through it. Without a quorum no failover can be
          # agreed: the next primary failure is an outage.
          - name: SentinelQuorumLost
            metric: sentinel_quorum_ok
            below: 1
            for: 10s
            severity: critical
            summary: "the sentinels of {{node}} cannot agree a failover (SENTINEL CKQUORUM fails): the next primary failure is an outage"
            description: "Too few sentinels are reachable to agree a failover: if the primary dies now, nothing takes over. Bring sentinels back (at least the quorum, from different hosts) and check they reach each other."

          # A sentinel in TILT stops acting for 30 s or more: its clock jumped or it stalled.
          - name: SentinelTilt
            metric: sentinels_tilted
            above: 0
            severity: warning
            summary: "{{value}} sentinels of {{node}} in TILT mode: no failover from them until it ends"
            description: "A sentinel in TILT stopped acting after a clock jump or a stall of its host. It leaves TILT by itself after 30 s of normal operation; if it keeps coming back, check the host's clock and load."

          # Sentinels naming different primaries: a split, or a failover some have not seen.
          - name: SentinelsDisagree
            metric: sentinels_disagreeing
            above: 0
            for: 30s
            severity: warning
            summary: "{{value}} sentinels naming another primary than {{node}}"
            description: "Sentinels name different primaries: a failover some have not seen, or a network split. Check every sentinel reaches the others and the data nodes; SENTINEL MASTER on each shows what it believes."

          # Redis Cluster, as each node sees it.
          - name: ClusterStateNotOk
            metric: cluster_state_ok
            below: 1
            for: 10s
            severity: critical
            summary: "the cluster is down as {{node}} sees it (cluster_state:fail)"
            description: "The cluster considers itself down (slots not served or a partition): clients get CLUSTERDOWN errors. Check failed nodes (CLUSTER NODES) and that every slot has a primary."

          - name: SlotsNotCovered
            metric: cluster_slots_uncovered
            above: 0
            for: 10s
            severity: critical
            summary: "{{value}} hash slots are not served (seen from {{node}}): keys there fail"
            description: "Some hash slots have no serving primary: keys there fail. Bring the failed primary or its replica back, or assign the slots (redis-cli --cluster fix)."

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
            description: "This primary holds much more memory than the others: it fills and evicts first. Rebalance slots (redis-cli --cluster rebalance) or look for big keys or a hash tag concentrating data."

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
            description: "This primary serves much more traffic than the others: a hot key or a hash tag. Find the hot slots (the nodes view) and spread the key; rebalancing slots will not split one key."

          # A poll that fails for 30 s in a row (also for a node down from the start: a window
          # of one failed poll is not 30 s of them).
          - name: Down
            metric: up
            below: 1
            for: 30s
            severity: critical
            summary: "{{node}} does not answer"
            description: "The server does not answer. Check the process and host, the network path and the port; if it is a primary with replicas, expect a failover."

          - name: RejectedConnections
            metric: rejected_connections_per_sec
            above: 0
            severity: critical
            keep_firing_for: 1m
            summary: "{{node}} refuses connections (maxclients): {{value}}/s"
            description: "The server refuses connections at maxclients: clients fail. Find who holds connections (CLIENT LIST), fix leaks or pool sizes, or raise maxclients."

          - name: BlockedClients
            metric: clients_blocked
            above: 0
            over: 5m
            reduce: min
            for: 1m
            severity: info
            summary: "clients blocked for 5 minutes on {{node}}"
            description: "Clients have been blocked (BLPOP, XREAD, WAIT…) for minutes. Check the producers of the keys they wait on; a consumer waiting on a key nobody writes is a bug."

          # PING round trips measured by cachewatch itself.
          - name: LatencyHigh
            metric: ping_p99_ms
            above: 10
            for: 1m
            severity: warning
            summary: "PING p99 {{value}} ms on {{node}}"
            description: "PING round trips are slow: the server, its host or the network is struggling. Check the main thread (MainThreadSaturated), the slow log, swapping and fork latency (BGSAVE) on the host."

          - name: SlowlogBurst
            metric: slowlog_new
            above: 10
            over: 1m
            reduce: max
            keep_firing_for: 2m
            severity: warning
            summary: "{{value}} slow commands in a poll on {{node}}"
            description: "Many slow commands in a short time. Open the slow log view: big keys, O(N) commands (KEYS, SMEMBERS, HGETALL on big hashes) or Lua; fix the callers."

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
            description: "RSS is much larger than the memory in use: the allocator holds freed memory. Enable activedefrag (jemalloc builds) or restart a replica, fail over, then restart the old primary."

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
