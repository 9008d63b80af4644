import Alerts
import Dashboard
import Foundation
import Metrics
import Telemetry

@testable import Engine

#if canImport(Glibc)
import Glibc
#endif

/// A fixed, realistic five minutes of one node — traffic with a stampede-like dip in the hit
/// ratio, evictions under memory pressure, three failed polls, slow-log entries — so that
/// screens render the same on every machine.
enum DashboardFixture {
    static let node = "127.0.0.1:6379"
    static let start = 1_800_000_000.0
    static let seconds = 300

    /// Screens show local times; pin the zone so goldens don't depend on the machine.
    static let pinTimeZone: Void = {
        setenv("TZ", "UTC", 1)
        tzset()
    }()

    static func state(view: DashboardView = .overview, seconds: Int = seconds) -> DashboardState {
        _ = pinTimeZone
        var store = MetricStore()
        var hits: Int64 = 5_000_000
        var misses: Int64 = 600_000
        var commands: Int64 = 9_000_000
        var evicted: Int64 = 1000
        var expired: Int64 = 40_000
        var used: Int64 = 40_000_000
        var getCalls: Int64 = 5_500_000
        var setCalls: Int64 = 600_000
        // The built-in rules, evaluated after every poll as the dashboard does.
        var engine = RuleEngine(rules: DefaultRules.rules, inhibitions: DefaultRules.inhibitions)
        var events: [AlertEvent] = []
        for second in 0..<seconds {
            let time = Date(timeIntervalSince1970: start + Double(second))
            if (200..<203).contains(second) {
                store.ingest(
                    Sample(
                        node: node, time: time,
                        outcome: .failure(
                            PollFailure(
                                kind: .timeout, message: "127.0.0.1:6379 did not reply within 2s (command timeout)"))))
                events += engine.eval(now: time, store: store)
                continue
            }
            let wave = Double(second % 60)
            let stampede = (120..<130).contains(second)
            let lookups = Int64(1800 + 400 * sin(wave / 60 * 2 * .pi))
            let missRate = stampede ? 0.55 : 0.08 + 0.02 * cos(wave / 10)
            let missCount = Int64(Double(lookups) * missRate)
            hits += lookups - missCount
            misses += missCount
            getCalls += lookups
            setCalls += missCount
            commands += lookups + missCount + 3
            expired += stampede ? 900 : 25 + Int64(second % 7)
            used = min(66_000_000, used + missCount * 900 - (second > 150 ? 40_000 : 0))
            if used > 64_000_000 { evicted += 60 + Int64(second % 5) * 10 }
            var slowlog: [SlowlogEntry] = []
            if second % 37 == 5 {
                slowlog.append(
                    SlowlogEntry(
                        id: Int64(second), timestamp: time, duration: .microseconds(12_000 + second * 90),
                        arguments: [Array("KEYS".utf8), Array("session:*".utf8)], clientAddress: "10.0.4.17:53211",
                        clientName: "report-job"))
            }
            if second % 53 == 7 {
                slowlog.append(
                    SlowlogEntry(
                        id: Int64(second) + 1000, timestamp: time, duration: .microseconds(150_000),
                        arguments: [Array("HGETALL".utf8), Array("catalog:big".utf8)], clientAddress: "10.0.4.22:40100")
                )
            }
            let info = InfoSnapshot(sections: [
                "server": [
                    "redis_version": "7.0.15", "run_id": "fixture", "uptime_in_seconds": String(86_400 * 3 + second),
                    "tcp_port": "6379",
                ],
                "clients": [
                    "connected_clients": String(42 + second % 5), "blocked_clients": "0", "maxclients": "10000",
                ],
                "memory": [
                    "used_memory": String(used), "used_memory_rss": String(used + 9_000_000),
                    "used_memory_peak": "66100000",
                    "maxmemory": "67108864", "maxmemory_policy": "allkeys-lru", "mem_fragmentation_ratio": "1.21",
                ],
                "stats": [
                    "total_commands_processed": String(commands), "keyspace_hits": String(hits),
                    "keyspace_misses": String(misses),
                    "evicted_keys": String(evicted), "expired_keys": String(expired),
                    "total_net_input_bytes": String(commands * 40),
                    "total_net_output_bytes": String(commands * 300), "rejected_connections": "0",
                    "total_connections_received": String(500 + second / 10), "total_error_replies": "12",
                ],
                "replication": ["role": "master", "connected_slaves": "0"],
                "cpu": ["used_cpu_sys": String(Double(second) * 0.05), "used_cpu_user": String(Double(second) * 0.1)],
                "commandstats": [
                    "cmdstat_get":
                        "calls=\(getCalls),usec=\(getCalls * 2),usec_per_call=2.00,rejected_calls=0,failed_calls=0",
                    "cmdstat_set":
                        "calls=\(setCalls),usec=\(setCalls * 4),usec_per_call=4.00,rejected_calls=0,failed_calls=0",
                    "cmdstat_keys": "calls=9,usec=118000,usec_per_call=13111.11,rejected_calls=0,failed_calls=0",
                    "cmdstat_hgetall": "calls=6,usec=900000,usec_per_call=150000.00,rejected_calls=0,failed_calls=0",
                    "cmdstat_incr": "calls=4000,usec=8000,usec_per_call=2.00,rejected_calls=0,failed_calls=12",
                ],
                "errorstats": ["errorstat_ERR": "count=12"],
                "keyspace": ["db0": "keys=48211,expires=40007,avg_ttl=61000", "db2": "keys=310,expires=0,avg_ttl=0"],
            ])
            let reading = Reading(
                info: info, slowlog: SlowlogDelta(entries: slowlog), pingRTT: .microseconds(200 + (second * 37) % 180),
                commandsSent: 3)
            store.ingest(Sample(node: node, time: time, outcome: .reading(reading)))
            events += engine.eval(now: time, store: store)
        }
        // Five minutes of key sampling: a hot family with one expiry second, jittered families,
        // keys without TTL and two big keys.
        var keyspace = KeyspaceSampling()
        let observed = Date(timeIntervalSince1970: start + Double(seconds))
        var keys: [KeyMetadata] = []
        for index in 0..<400 {
            keys.append(
                KeyMetadata(
                    name: Array("price:\(index)".utf8), type: "string", ttlMilliseconds: 42_000 - Int64(index % 3),
                    memoryBytes: 72, observedAt: observed))
            keys.append(
                KeyMetadata(
                    name: Array("product:\(index * 7)".utf8), type: "string",
                    ttlMilliseconds: Int64(60_000 + (index * 379) % 120_000), memoryBytes: Int64(200 + index % 1800),
                    observedAt: observed))
            keys.append(
                KeyMetadata(
                    name: Array("user:\(index):profile".utf8), type: "hash", memoryBytes: Int64(900 + index % 300),
                    observedAt: observed))
        }
        keys.append(
            KeyMetadata(name: Array("report:daily".utf8), type: "string", memoryBytes: 2_621_520, observedAt: observed))
        keys.append(
            KeyMetadata(name: Array("catalog:all".utf8), type: "hash", memoryBytes: 1_835_112, observedAt: observed))
        keyspace.add(keys, finishedPass: true, totalKeys: 48_521, now: observed)
        keyspace.unavailable = ["element counts off: this server has no CLIENT NO-TOUCH (Redis 7.2+)"]

        var state = DashboardState(
            store: store, node: node, interval: 1, now: Date(timeIntervalSince1970: start + Double(seconds)))
        state.view = view
        state.shownNode.sample(keyspace)
        state.engine.ruleEngine = engine
        state.engine.recentEvents = events
        return state
    }
}
