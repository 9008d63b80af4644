import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import Recording
import Telemetry
import TestSupport

/// A recording of an incident, made in virtual time through the real engine and recorder (so
/// that screens replayed from it are the same at every run): ten minutes of one cache under the
/// default rules — healthy for four minutes, then memory fills under `allkeys-lru`, keys are
/// evicted at 1,500/s and the hit ratio falls: MemoryFull, its symptoms beneath it. Keys are
/// sampled throughout (100 a second): products with jittered TTLs, prices that all expire at
/// 08:12:00, sessions, profiles without TTL and two big keys; keyspace events are published
/// (products expire, profiles are deleted on update, sessions evicted once memory is full).
enum RecordedIncident {
    /// 2027-01-15 08:00:00 UTC.
    static let start = 1_800_000_000.0
    static let node = "cache-1:6379"
    /// Seconds recorded.
    static let seconds = 600
    /// When memory is full and evictions begin.
    static let fullAt = 240

    /// Writes the recording into `directory`: `seconds` polls from `start` (the incident
    /// ``fullAt`` seconds in).
    static func write(into directory: String, start: Double = start, seconds: Int = seconds) throws {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: start))
        let recorder = try Recorder(
            directory: directory, metadata: ["endpoints": node, "interval_seconds": "1", "command": "watch"],
            clock: clock, flushEvery: 0.05
        ) { _ in }
        defer { recorder.close() }
        var state = EngineState(historyTicks: 900, rules: DefaultRules.rules, inhibitions: DefaultRules.inhibitions)
        // Keyspace events published: expirations, evictions, deletions, misses.
        let subscribed: KeyEventSubscriber.State = .subscribed(
            kinds: [.expired, .evicted, .deleted, .keymiss], since: Date(timeIntervalSince1970: start))
        var counters = (commands: Int64(0), hits: Int64(0), misses: Int64(0), evicted: Int64(0), expired: Int64(0))
        for second in 0..<seconds {
            clock.advance(by: 1)
            let full = second >= fullAt
            // 2,000 ops/s; 95 % hits, then 60 % as evicted keys are missed and refilled.
            let ops: Int64 = 2_000 + Int64(second % 7) * 10
            let hitShare = full ? 0.6 : 0.95
            counters.commands += ops
            counters.hits += Int64(Double(ops) * 0.8 * hitShare)
            counters.misses += Int64(Double(ops) * 0.8 * (1 - hitShare))
            counters.evicted += full ? 1_500 : 0
            counters.expired += 12
            let used = full ? 1_021_000_000 : 700_000_000 + Int64(second) * 1_300_000
            let sections: [String: [String: String]] = [
                "server": [
                    "redis_version": "7.2.4", "run_id": "9f1c", "uptime_in_seconds": String(86_400 + second),
                    "tcp_port": "6379",
                ],
                "clients": ["connected_clients": String(40 + second % 5), "blocked_clients": "0"],
                "memory": [
                    "used_memory": String(used), "maxmemory": "1073741824", "maxmemory_policy": "allkeys-lru",
                    "used_memory_rss": String(used + 90_000_000), "mem_fragmentation_ratio": "1.09",
                ],
                "stats": [
                    "total_commands_processed": String(counters.commands), "keyspace_hits": String(counters.hits),
                    "keyspace_misses": String(counters.misses), "evicted_keys": String(counters.evicted),
                    "expired_keys": String(counters.expired), "total_connections_received": "1200",
                    "rejected_connections": "0", "total_net_input_bytes": String(counters.commands * 60),
                    "total_net_output_bytes": String(counters.commands * 400),
                ],
                "replication": ["role": "master", "connected_slaves": "0"],
                "cpu": ["used_cpu_sys": String(Double(second) * 0.11), "used_cpu_user": String(Double(second) * 0.2)],
                "keyspace": [
                    "db0": "keys=\(2_000_000 - (full ? (second - fullAt) * 300 : 0)),expires=1400000,avg_ttl=3600000"
                ],
            ]
            let reading = Reading(
                info: InfoSnapshot(sections: sections), slowlog: nil, pingRTT: .microseconds(300 + (second % 9) * 40))
            let sample = Sample(node: node, time: clock.now, outcome: .reading(reading))
            var events: [FleetEvent] = [.sample(sample), Self.keys(second: second, now: clock.now)]
            if second == 0 { events.insert(.keyEventState(node: node, subscribed), at: 0) }
            let ends: [String: [KeyEventKind: Int]] = [
                "product:*": [.expired: 10], "user:*:profile": [.deleted: 3, .expired: 1],
                "session:*": full ? [.evicted: 1_500] : [:],
            ]
            events.append(
                .keyEvents(
                    node: node,
                    tally: KeyEventCounter.Tally(
                        counts: ends.filter { !$0.value.isEmpty }, since: clock.now.addingTimeInterval(-1),
                        until: clock.now, isComplete: second > 0)))
            let outcome = state.apply(events, now: clock.now)
            recorder.record(outcome, state: state)
        }
    }

    /// The keys sampled at `second`: 100 of 2,000 ids a second (a pass every 20 s).
    static func keys(second: Int, now: Date) -> FleetEvent {
        let wave = Date(timeIntervalSince1970: start + 720)
        var keys: [KeyMetadata] = []
        for index in 0..<100 {
            let id = (second % 20) * 100 + index
            let key: KeyMetadata
            switch id % 4 {
            case 0:
                key = KeyMetadata(
                    name: Array("product:\(id)".utf8), type: "string",
                    ttlMilliseconds: Int64(600_000 + (id * 7_919) % 3_000_000), memoryBytes: Int64(300 + id % 1_700),
                    observedAt: now)
            case 1:
                key = KeyMetadata(
                    name: Array("price:\(id)".utf8), type: "string",
                    ttlMilliseconds: Int64(wave.timeIntervalSince(now) * 1000), memoryBytes: 72, observedAt: now)
            case 2:
                key = KeyMetadata(
                    name: Array("session:\(String(format: "%016llx", UInt64(id) &* 0x9E37_79B9_7F4A_7C15))".utf8),
                    type: "hash",
                    ttlMilliseconds: 1_800_000, memoryBytes: Int64(600 + id % 200), observedAt: now)
            default:
                key = KeyMetadata(
                    name: Array("user:\(id):profile".utf8), type: "hash", memoryBytes: Int64(900 + id % 300),
                    observedAt: now)
            }
            keys.append(key)
        }
        if second % 20 == 0 {
            keys.append(
                KeyMetadata(name: Array("report:daily".utf8), type: "string", memoryBytes: 2_621_520, observedAt: now))
            keys.append(
                KeyMetadata(
                    name: Array("catalog:all".utf8), type: "hash", memoryBytes: 1_835_112, length: 20_000,
                    observedAt: now))
        }
        return .keys(node: node, keys: keys, finishedPass: second % 20 == 19, unavailable: [:])
    }
}
