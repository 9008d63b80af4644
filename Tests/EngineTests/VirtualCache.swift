import Fleet
import Foundation
import Telemetry
import TestSupport

/// A cache simulated second by second, for scenarios in virtual time: its `INFO` counters move
/// as its traffic says (with deterministic noise from a seed), and the keys a sampler would find
/// are offered with their TTLs. Nothing runs in real time and no server is involved: a
/// three-minute scenario is a few milliseconds of the engine's own step.
struct VirtualCache {
    /// A family of keys: how many, and the TTLs its writer gives them (none: `nil`).
    struct Family {
        var prefix: String
        var keys: Int
        var ttlSeconds: ClosedRange<Double>?
        var bytes: Int64 = 200
    }

    /// The node's name in samples.
    var node = "virtual:6379"
    /// Virtual wall-clock time (seconds since 1970).
    var time: Double = 1_800_000_000
    /// Lookups per second.
    var readsPerSecond = 1000.0
    /// The share of lookups that hit.
    var hitRatio = 0.95
    /// Keys expiring per second.
    var expiredPerSecond = 20.0
    /// Keys evicted per second.
    var evictedPerSecond = 0.0
    /// Writes per second (refills and updates).
    var writesPerSecond = 60.0
    /// `used_memory`; `maxmemory` and its policy.
    var usedMemory: Int64 = 100 << 20
    var maxmemory: Int64 = 256 << 20
    var policy = "volatile-lru"
    /// Connected clients.
    var clients = 12
    /// `master` or `slave`.
    var role = "master"
    /// On a replica: whether its link to the primary is up.
    var primaryLinkUp = true
    /// On a primary: its replicas (`ip:port`), online.
    var replicas: [String] = []
    /// Whether the node answers polls (a dead one's polls fail).
    var answers = true
    /// Relative noise on every rate (0.1: ±10 %).
    var noise = 0.1
    /// The key families a sampler finds.
    var families: [Family] = [
        Family(prefix: "user:", keys: 2000, ttlSeconds: 300...900),
        Family(prefix: "session:", keys: 1000, ttlSeconds: 1800...3600, bytes: 600),
        Family(prefix: "page:", keys: 2000, ttlSeconds: 600...1200, bytes: 2000),
    ]

    private var random: SplitMix64
    private var hits: Int64 = 5_000_000
    private var misses: Int64 = 250_000
    private var expired: Int64 = 100_000
    private var evicted: Int64 = 0
    private var commands: Int64 = 6_000_000
    private var connections: Int64 = 500
    private var netIn: Int64 = 1 << 30
    private var netOut: Int64 = 4 << 30
    private var cpu = 100.0
    private var uptime: Int64 = 86_400
    private var sampled = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// A rate with this cache's noise.
    private mutating func noisy(_ rate: Double) -> Double {
        rate * (1 + Double.random(in: -noise...noise, using: &random))
    }

    /// Advances `step` seconds (one by default) and polls: the sample the poller would deliver.
    mutating func tick(seconds step: Double = 1) -> FleetEvent {
        time += step
        uptime += Int64(step)
        guard answers else {
            let failure = PollFailure(kind: .connection, message: "connection refused")
            return .sample(Sample(node: node, time: Date(timeIntervalSince1970: time), outcome: .failure(failure)))
        }
        let reads = noisy(readsPerSecond) * step
        let ratio = min(1, max(0, hitRatio + Double.random(in: -noise...noise, using: &random) * 0.1))
        hits += Int64(reads * ratio)
        misses += Int64(reads * (1 - ratio))
        expired += Int64(noisy(expiredPerSecond) * step)
        evicted += Int64(noisy(evictedPerSecond) * step)
        let writes = noisy(writesPerSecond) * step
        commands += Int64(reads + writes) + 3
        connections += Int64.random(in: 0...1, using: &random)
        netIn += Int64((reads + writes) * 60)
        netOut += Int64(reads * 400)
        cpu += noisy(0.05) * step
        let keys = families.reduce(0) { $0 + $1.keys }
        let expires = families.filter { $0.ttlSeconds != nil }.reduce(0) { $0 + $1.keys }
        var replication = ["role": role, "connected_slaves": String(replicas.count), "master_repl_offset": "1000"]
        if role == "slave" {
            replication["master_link_status"] = primaryLinkUp ? "up" : "down"
            replication["master_last_io_seconds_ago"] = primaryLinkUp ? "1" : "-1"
        }
        for (index, replica) in replicas.enumerated() {
            let (ip, port) = (replica.split(separator: ":").first ?? "", replica.split(separator: ":").last ?? "")
            replication["slave\(index)"] = "ip=\(ip),port=\(port),state=online,offset=1000,lag=0"
        }
        let sections: [String: [String: String]] = [
            "server": [
                "redis_version": "7.0.15", "run_id": "virtual-run", "uptime_in_seconds": String(uptime),
                "redis_mode": "standalone",
            ],
            "clients": ["connected_clients": String(clients), "blocked_clients": "0", "maxclients": "10000"],
            "memory": [
                "used_memory": String(usedMemory), "used_memory_rss": String(usedMemory + usedMemory / 5),
                "maxmemory": String(maxmemory), "maxmemory_policy": policy, "mem_fragmentation_ratio": "1.20",
            ],
            "stats": [
                "total_commands_processed": String(commands), "keyspace_hits": String(hits),
                "keyspace_misses": String(misses), "evicted_keys": String(evicted), "expired_keys": String(expired),
                "total_net_input_bytes": String(netIn), "total_net_output_bytes": String(netOut),
                "total_connections_received": String(connections), "rejected_connections": "0",
                "total_error_replies": "0",
            ],
            "replication": replication,
            "cpu": ["used_cpu_sys": String(cpu / 3), "used_cpu_user": String(cpu * 2 / 3)],
            "keyspace": ["db0": "keys=\(keys),expires=\(expires),avg_ttl=600000"],
        ]
        let reading = Reading(
            info: InfoSnapshot(sections: sections), slowlog: SlowlogDelta(),
            pingRTT: .microseconds(Int64.random(in: 150...400, using: &random)), commandsSent: 3)
        return .sample(Sample(node: node, time: Date(timeIntervalSince1970: time), outcome: .reading(reading)))
    }

    /// The keys the sampler finds in a second (`count` of them, across the families by size),
    /// with the TTLs left as it would read them; every full pass over the keyspace is marked.
    mutating func sampledKeys(_ count: Int) -> FleetEvent {
        let total = families.reduce(0) { $0 + $1.keys }
        var keys: [KeyMetadata] = []
        for _ in 0..<count {
            var pick = Int.random(in: 0..<total, using: &random)
            guard
                let family = families.first(where: { family in
                    defer { pick -= family.keys }
                    return pick < family.keys
                })
            else { continue }
            let id = Int.random(in: 0..<family.keys, using: &random)
            // A key written at a random point of its life: the TTL left is a share of its own.
            let ttl = family.ttlSeconds.map { range in
                Int64(Double.random(in: range, using: &random) * Double.random(in: 0.05...1, using: &random) * 1000)
            }
            keys.append(
                KeyMetadata(
                    name: Array("\(family.prefix)\(id)".utf8), type: "string", ttlMilliseconds: ttl,
                    memoryBytes: family.bytes, length: family.bytes - 50,
                    observedAt: Date(timeIntervalSince1970: time)))
        }
        sampled += count
        let finished = sampled >= total
        if finished { sampled = 0 }
        return .keys(node: node, keys: keys, finishedPass: finished, unavailable: [:])
    }
}
