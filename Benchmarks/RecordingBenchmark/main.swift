import Alerts
import Engine
import Export
import Fleet
import Foundation
import Metrics
import Recording
import Telemetry

// What `--record` costs and how fast a recording opens and seeks (`scripts/bench-record`).
//
// 1. Cost: a cache of NODES nodes is fed to the real engine in virtual time, one poll a second
//    for COST_HOURS: INFO with counters that move and gauges that drift, 20 namespaces per node
//    (ids that are numbers, hex and UUIDs, TTLs from minutes to weeks, some without), keyspace-
//    event tallies per namespace every second, a slow-log entry now and then, with the built-in
//    rules. The recorder measures its own CPU (encoding on the engine's thread, the writer
//    thread's transactions); the store's bytes per node-hour against `watch --csv`'s rows of
//    the same ticks.
// 2. A day: those ticks written again, shifted hour after hour, to HOURS of NODES nodes; how
//    long the store takes to open, to seek anywhere (the dashboard's state at a random moment,
//    every node, 15 minutes of graphs), to play a tick on, to print an hour back as JSON lines.
//
//   RecordingBenchmark DIR [hours] [nodes] [cost-hours]      (defaults 24, 5, 0.5)

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: RecordingBenchmark DIR [hours] [nodes]\n".utf8))
    exit(2)
}
let directory = arguments[1]
let hours = arguments.count > 2 ? Double(arguments[2]) ?? 24 : 24
let nodeCount = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let costHours = arguments.count > 4 ? Double(arguments[4]) ?? 0.5 : 0.5
let seconds = Int(costHours * 3600)
let start = (Date().timeIntervalSince1970 - hours * 3600 - 60).rounded(.down)
let nodes = (0..<nodeCount).map { "cache-\($0).internal:6379" }

/// Time that moves only when told (the engine and recorder run in virtual time).
final class SteppedClock: WallClock, @unchecked Sendable {
    private var time: Date
    init(start: Date) { time = start }
    var now: Date { time }
    func advance(by seconds: Double) { time = time.addingTimeInterval(seconds) }
}

/// The 20 namespaces of a node, with the TTL their keys are written with (nil: none).
let namespaces: [(prefix: String, ttl: Int64?)] = [
    ("user:%d:profile", 3_600_000), ("session:%x", 1_800_000), ("product:%d", 86_400_000),
    ("price:%d", 300_000), ("cart:%u", 7 * 86_400_000), ("feed:%d:page", 600_000), ("rate:%x", 60_000),
    ("token:%u", 900_000), ("search:%x", 120_000), ("config:%d", nil), ("flag:%d", nil),
    ("inventory:%d", 3_600_000), ("reco:%d:list", 21_600_000), ("geo:%d", 604_800_000), ("order:%u", nil),
    ("lock:%x", 30_000), ("counter:%d", nil), ("avatar:%d", 2_592_000_000), ("stock:%d", 1_209_600_000),
    ("tenant%d:settings", nil),
]

func keyName(_ pattern: String, _ id: Int) -> String {
    if pattern.contains("%u") {
        let uuid = UUID(
            uuid: (
                UInt8(id & 0xFF), UInt8((id >> 8) & 0xFF), 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                UInt8((id >> 16) & 0xFF)
            ))
        return pattern.replacingOccurrences(of: "%u", with: uuid.uuidString.lowercased())
    }
    if pattern.contains("%x") {
        return pattern.replacingOccurrences(of: "%x", with: String(id &* 2_654_435_761 & 0xFFFF_FFFF, radix: 16))
    }
    return pattern.replacingOccurrences(of: "%d", with: String(id))
}

/// One engine run over COST_HOURS, recorded into `directory`; returns the recorder's CPU, the
/// CSV bytes of the same ticks, every tick and, once a minute, every node's keyspace view (for
/// the day of part 2).
func run(
    recordingInto directory: String
) throws -> (
    encoding: Duration, writing: Duration, csvBytes: Int, ticks: [[(node: String, tick: NodeTick)]],
    keyspaces: [Int: [(node: String, keyspace: RecordedKeyspace)]]
) {
    var keyspaces: [Int: [(node: String, keyspace: RecordedKeyspace)]] = [:]
    let clock = SteppedClock(start: Date(timeIntervalSince1970: start))
    let recorder = try Recorder(
        directory: directory, retention: 8 * 86_400, maxBytes: 50_000_000_000,
        metadata: ["endpoints": nodes.joined(separator: " "), "interval_seconds": "1"], clock: clock
    ) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    var kept: [[(node: String, tick: NodeTick)]] = []
    var state = EngineState(historyTicks: 120, rules: DefaultRules.rules, inhibitions: DefaultRules.inhibitions)
    var csvBytes = 0
    let kinds: Set<KeyEventKind> = [.evicted, .expired, .deleted, .keymiss]
    var events: [FleetEvent] = nodes.map {
        .keyEventState(node: $0, .subscribed(kinds: kinds, since: Date(timeIntervalSince1970: start)))
    }
    for second in 0..<seconds {
        clock.advance(by: 1)
        let now = clock.now
        for (index, node) in nodes.enumerated() {
            let t = Int64(second)
            let phase = sin(Double(second) / 3600 * .pi * 2 + Double(index))
            let ops = Int64(20_000 + 5_000 * phase) + Int64(second % 13) * 17
            let commands = t * 20_000 + Int64(index) * 1_000_000
            var sections: [String: [String: String]] = [
                "server": [
                    "redis_version": "7.2.4", "run_id": "run\(index)", "uptime_in_seconds": String(500_000 + second),
                    "tcp_port": "6379", "process_id": "1",
                ],
                "clients": ["connected_clients": String(200 + second % 17), "blocked_clients": "0"],
                "memory": [
                    "used_memory": String(6_000_000_000 + (second % 600) * 100_000),
                    "used_memory_rss": String(6_400_000_000 + (second % 900) * 100_000), "maxmemory": "8589934592",
                    "maxmemory_policy": "allkeys-lru", "mem_fragmentation_ratio": "1.07",
                ],
                "stats": [
                    "total_commands_processed": String(commands + ops), "keyspace_hits": String(commands * 9 / 10),
                    "keyspace_misses": String(commands / 10 + Int64(second % 7)), "evicted_keys": String(t * 3),
                    "expired_keys": String(t * 40), "total_connections_received": String(9_000 + second / 60),
                    "rejected_connections": "0", "total_net_input_bytes": String(commands * 70),
                    "total_net_output_bytes": String(commands * 900), "total_error_replies": String(t / 100),
                ],
                "replication": [
                    "role": "master", "connected_slaves": "1", "master_repl_offset": String(commands * 80),
                ],
                "cpu": [
                    "used_cpu_sys": String(format: "%.6f", Double(second) * 0.08),
                    "used_cpu_user": String(format: "%.6f", Double(second) * 0.21),
                ],
                "keyspace": [
                    "db0": "keys=\(40_000_000 + second % 1000),expires=\(29_000_000 + second % 700),avg_ttl=3600000"
                ],
            ]
            if second % 10 == 0 {
                sections["commandstats"] = [
                    "cmdstat_get": "calls=\(commands * 8 / 10),usec=\(commands),usec_per_call=1.20",
                    "cmdstat_set": "calls=\(commands / 10),usec=\(commands / 5),usec_per_call=2.00",
                    "cmdstat_del": "calls=\(commands / 100),usec=\(commands / 90),usec_per_call=1.10",
                ]
            }
            var slowlog: SlowlogDelta?
            if second % 97 == 0 {
                slowlog = SlowlogDelta(
                    entries: [
                        SlowlogEntry(
                            id: Int64(second / 97), timestamp: now, duration: .microseconds(25_000),
                            arguments: [Array("HGETALL".utf8), Array("catalog:all".utf8)],
                            clientAddress: "10.0.0.9:41000")
                    ], missed: 0)
            }
            let reading = Reading(
                info: InfoSnapshot(sections: sections), slowlog: slowlog, pingRTT: .microseconds(250 + second % 40))
            // Keys sampled: 100 a second, over the 20 namespaces.
            var keys: [KeyMetadata] = []
            for key in 0..<100 {
                let (pattern, ttl) = namespaces[(second * 7 + key) % namespaces.count]
                let id = (second * 100 + key) % 50_000
                keys.append(
                    KeyMetadata(
                        name: Array(keyName(pattern, id).utf8), type: key % 5 == 0 ? "hash" : "string",
                        ttlMilliseconds: ttl.map { $0 - Int64((second * 911 + key) % Int(max(1, $0 / 2))) },
                        memoryBytes: Int64(80 + (key * 37) % 2_000), observedAt: now))
            }
            events.append(.keys(node: node, keys: keys, finishedPass: second % 600 == 0, unavailable: [:]))
            // Keyspace events per namespace.
            var counts: [String: [KeyEventKind: Int]] = [:]
            for (offset, item) in namespaces.enumerated() {
                let name = NamespacePattern.of(Array(keyName(item.prefix, 1).utf8))
                counts[name] = [
                    .expired: (second + offset) % 5, .evicted: offset % 4 == 0 ? (second % 3) : 0,
                    .keymiss: (second * (offset + 1)) % 11, .deleted: offset % 6 == 0 ? 1 : 0,
                ]
            }
            events.append(
                .keyEvents(
                    node: node,
                    tally: KeyEventCounter.Tally(
                        counts: counts, since: now.addingTimeInterval(-1), until: now, isComplete: true)))
            events.append(.sample(Sample(node: node, time: now, outcome: .reading(reading))))
        }
        let outcome = state.apply(events, now: clock.now)
        events = []
        recorder.record(outcome, state: state)
        var ticks: [(node: String, tick: NodeTick)] = []
        for sample in outcome.samples {
            guard let metrics = state.store[sample.node], let time = metrics.times.last else { continue }
            ticks.append((sample.node, metrics.tick(of: sample)))
            let cells = MetricsCSV.cells(
                node: sample.node, time: time, values: metrics.latestValues, columns: MetricsCSV.perNodeColumns)
            csvBytes += (try? CSVTable.line(cells).utf8.count) ?? 0
        }
        kept.append(ticks)
        if second % Int(Recorder.keyspaceEvery) == 0 {
            keyspaces[second] = nodes.compactMap { node in
                state.node(node).map { (node, RecordedKeyspace(figures: $0.keyspace, keyEnds: $0.keyEnds)) }
            }
        }
    }
    recorder.close()
    let cpu = recorder.cpuTime
    return (cpu.encoding, cpu.writing, csvBytes, kept, keyspaces)
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let began = clock.now
    try body()
    let elapsed = clock.now - began
    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func storeBytes(_ directory: String) -> Int64 {
    ["cachewatch.db", "cachewatch.db-wal"].map { directory + "/" + $0 }
        .compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }.reduce(0, +)
}

let costDirectory = directory + "-cost"
try? FileManager.default.removeItem(atPath: costDirectory)
try? FileManager.default.removeItem(atPath: directory)
print("RecordingBenchmark: \(nodeCount) nodes at 1 s polls, 20 namespaces each, keyspace events on")
let cost = try run(recordingInto: costDirectory)
let nodeSeconds = Double(seconds * nodeCount)
print(
    String(
        format:
            "1. cost over %.1f h: encoding %.1f µs and writing %.1f µs per node-tick = %.3f %% of a core per node polled each second",
        costHours, seconds(cost.encoding) / nodeSeconds * 1e6, seconds(cost.writing) / nodeSeconds * 1e6,
        (seconds(cost.encoding) + seconds(cost.writing)) / nodeSeconds * 100))
let costNodeHours = costHours * Double(nodeCount)
print(
    String(
        format: "   store: %.2f MB per node-hour (watch --csv of the same ticks: %.2f MB per node-hour)",
        Double(storeBytes(costDirectory)) / 1e6 / costNodeHours, Double(cost.csvBytes) / 1e6 / costNodeHours))
try? FileManager.default.removeItem(atPath: costDirectory)

// 2. A day of NODES nodes: the hour's ticks and keyspace views again, shifted.
let dayClock = SteppedClock(start: Date(timeIntervalSince1970: start))
let day = try Recorder(
    directory: directory, retention: 8 * 86_400, maxBytes: 50_000_000_000,
    metadata: ["endpoints": nodes.joined(separator: " "), "interval_seconds": "1"], clock: dayClock
) { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
let cycle = Double(cost.ticks.count)
for second in 0..<Int(hours * 3600) {
    let lap = Double(second / cost.ticks.count) * cycle
    let ticks = cost.ticks[second % cost.ticks.count].map { entry in
        var tick = entry.tick
        tick.time += lap
        return (node: entry.node, tick: tick)
    }
    dayClock.advance(by: 1)
    day.record(ticks: ticks, alertEvents: [], notices: [])
    if let keyspaces = cost.keyspaces[second % cost.ticks.count] {
        day.record(
            keyspaces: keyspaces.map { node, keyspace in
                var moved = keyspace
                moved.figures?.takenAt.addTimeInterval(lap)
                let time = Date(timeIntervalSince1970: start + Double(second % cost.ticks.count) + 1 + lap)
                return (node, time, moved)
            })
    }
}
day.close()
print(
    String(
        format: "2. a day: %.0f h × %d nodes, %.0f MB (%.2f MB per node-hour)", hours, nodeCount,
        Double(storeBytes(directory)) / 1e6, Double(storeBytes(directory)) / 1e6 / (hours * Double(nodeCount))))

var recording: Recording!
var session: ReplaySession!
let open = try milliseconds {
    recording = try Recording(directory: directory)
    session = try ReplaySession(recording: recording)
}
print(String(format: "   open: %.0f ms (the recording and a replay session)", open))
var generator = SystemRandomNumberGenerator()
/// Seek times in ms to `count` random moments with `history` seconds of graphs, sorted.
@MainActor func seekTimes(_ count: Int, history: Double) throws -> [Double] {
    try (0..<count).map { _ in
        let moment = Double.random(in: session.span, using: &generator)
        return try milliseconds { _ = try session.state(at: moment, history: history) }
    }.sorted()
}
let seeks = try seekTimes(20, history: 300)
print(
    String(
        format: "   seek: median %.0f ms, max %.0f ms over 20 random moments (all nodes, the default 5 min of graphs)",
        seeks[seeks.count / 2], seeks.last ?? 0))
let wide = try seekTimes(5, history: 3600)
print(
    String(
        format: "   seek with an hour of graphs (the widest window): median %.0f ms, max %.0f ms", wide[wide.count / 2],
        wide.last ?? 0))
var steps: [Double] = []
var moment = session.span.lowerBound + 3600
for _ in 0..<60 {
    moment += 1
    steps.append(try milliseconds { _ = try session.state(at: moment, history: 300) })
}
steps.sort()
print(String(format: "   play, one tick on: median %.1f ms, max %.1f ms", steps[steps.count / 2], steps.last ?? 0))
var lines = 0
let hour = try milliseconds {
    var replay = LineReplay(recording: recording, format: .lines(.json))
    replay.start = session.span.lowerBound
    replay.end = session.span.lowerBound + 3600
    try replay.run { _ in lines += 1 }
}
print(String(format: "   replay --format json, one hour of every node: %d lines in %.0f ms", lines, hour))
