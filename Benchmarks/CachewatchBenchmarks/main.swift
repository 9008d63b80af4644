import Alerts
import Export
// Micro-benchmarks of the hot paths: RESP decoding, INFO parsing, store ingestion.
// Run with `scripts/bench` (release build); figures go to BENCHMARKS.md.
//   CachewatchBenchmarks [WORD] [--rounds N]   only the benchmarks whose name holds WORD
//   (e.g. `valgrind --tool=callgrind CachewatchBenchmarks exposition --rounds 1`)
import Foundation
import Metrics
import NIOCore
import RESP
import Telemetry

let arguments = Array(CommandLine.arguments.dropFirst())
/// `--rounds N`: how many rounds each benchmark runs (7 by default).
let roundsOption = arguments.firstIndex(of: "--rounds").flatMap {
    arguments.indices.contains($0 + 1) ? Int(arguments[$0 + 1]) : nil
}
/// The first other argument: run only the benchmarks whose name contains it.
let nameFilter = arguments.enumerated().first { index, argument in
    !argument.hasPrefix("--") && (index == 0 || arguments[index - 1] != "--rounds")
}?.element

/// Runs `body` `iterations` times per round for `rounds` rounds; prints the median per call.
func measure(_ name: String, iterations: Int, rounds: Int = 7, bytesPerCall: Int? = nil, _ body: () -> Void) {
    if let nameFilter, !name.localizedCaseInsensitiveContains(nameFilter) { return }
    let rounds = roundsOption ?? rounds
    let clock = ContinuousClock()
    var perCall: [Double] = []
    for _ in 0..<rounds {
        let start = clock.now
        for _ in 0..<iterations { body() }
        let elapsed = start.duration(to: clock.now)
        perCall.append(
            (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
                / Double(iterations))
    }
    perCall.sort()
    let median = perCall[perCall.count / 2]
    var line = "\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%10.1f", median)) ns/call"
    if let bytesPerCall { line += String(format: "  %8.1f MB/s", Double(bytesPerCall) / median * 1e3) }
    print(line)
}

/// Like ``measure``, but with the CPU caches flushed before each call (64 MiB written, not
/// timed): the cost of work that runs once a second, after everything else has had the caches.
func measureCold(_ name: String, iterations: Int, rounds: Int = 7, _ body: () -> Void) {
    if let nameFilter, !name.localizedCaseInsensitiveContains(nameFilter) { return }
    let rounds = roundsOption ?? rounds
    let clock = ContinuousClock()
    var flush = [UInt8](repeating: 0, count: 64 << 20)
    var perCall: [Double] = []
    for round in 0..<rounds {
        var elapsed = Duration.zero
        for iteration in 0..<iterations {
            flush.withUnsafeMutableBytes { bytes in
                for offset in stride(from: 0, to: bytes.count, by: 64) {
                    bytes[offset] &+= UInt8(truncatingIfNeeded: round + iteration)
                }
            }
            let start = clock.now
            body()
            elapsed += start.duration(to: clock.now)
        }
        perCall.append(
            (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
                / Double(iterations))
    }
    perCall.sort()
    print(
        "\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%10.1f", perCall[perCall.count / 2])) ns/call"
    )
}

func residentBytes() -> Int {
    let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    let pages = Int(statm.split(separator: " ")[1]) ?? 0
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

// A realistic INFO everything reply: every section, 200 commandstats lines.
var infoText = "# Server\r\nredis_version:7.0.15\r\nrun_id:0123456789abcdef\r\nuptime_in_seconds:86400\r\n"
infoText += "# Clients\r\nconnected_clients:250\r\nblocked_clients:3\r\n"
infoText += "# Memory\r\nused_memory:1073741824\r\nused_memory_rss:1288490188\r\nmaxmemory:2147483648\r\n"
infoText += "maxmemory_policy:allkeys-lru\r\nmem_fragmentation_ratio:1.20\r\n"
infoText += "# Stats\r\ntotal_commands_processed:987654321\r\nkeyspace_hits:123456789\r\nkeyspace_misses:2345678\r\n"
infoText += "evicted_keys:12345\r\nexpired_keys:67890\r\ntotal_net_input_bytes:12345678901\r\n"
infoText += "# CPU\r\nused_cpu_sys:1234.5\r\nused_cpu_user:2345.6\r\n# Commandstats\r\n"
for index in 0..<200 {
    infoText +=
        "cmdstat_cmd\(index):calls=\(index * 1000),usec=\(index * 3000),usec_per_call=3.00,rejected_calls=0,failed_calls=0\r\n"
}
infoText += "# Keyspace\r\ndb0:keys=1000000,expires=800000,avg_ttl=3600000\r\n"
let infoBytes = Array(infoText.utf8)
var infoFrame = ByteBuffer()
infoFrame.writeString("$\(infoBytes.count)\r\n")
infoFrame.writeBytes(infoBytes)
infoFrame.writeString("\r\n")

// A SLOWLOG GET 128 reply.
var slowlogFrame = ByteBuffer(string: "*128\r\n")
for id in 0..<128 {
    slowlogFrame.writeString(
        "*6\r\n:\(id)\r\n:1795500000\r\n:\(10_000 + id)\r\n*3\r\n$3\r\nSET\r\n$12\r\nuser:42:prof\r\n$5\r\nvalue\r\n")
    slowlogFrame.writeString("$15\r\n127.0.0.1:54321\r\n$0\r\n\r\n")
}

print("cachewatch micro-benchmarks (release build, median of \(roundsOption ?? 7) rounds)")
let decoder = RESPDecoder()
measure(
    "RESP decode INFO everything (\(infoFrame.readableBytes / 1024) KiB bulk)", iterations: 20_000,
    bytesPerCall: infoFrame.readableBytes
) {
    var copy = infoFrame
    _ = try? decoder.decode(from: &copy)
}
measure("RESP decode SLOWLOG GET 128 (nested arrays)", iterations: 2_000, bytesPerCall: slowlogFrame.readableBytes) {
    var copy = slowlogFrame
    _ = try? decoder.decode(from: &copy)
}
measure("RESP decode SLOWLOG split in 1,460-byte segments", iterations: 500, bytesPerCall: slowlogFrame.readableBytes) {
    // As a connection reads it: the stream decoder resumes where the last segment ended.
    var stream = RESPStreamDecoder()
    var buffer = ByteBuffer()
    var source = slowlogFrame
    while source.readableBytes > 0, let chunk = source.readSlice(length: min(1460, source.readableBytes)) {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
        _ = try? stream.next(from: &buffer)
    }
}
measure("InfoSnapshot parse (INFO everything)", iterations: 2_000) {
    _ = InfoSnapshot(parsing: infoText)
}
let info = InfoSnapshot(parsing: infoText)
let entries = (0..<3).map {
    SlowlogEntry(id: Int64($0), timestamp: Date(), duration: .milliseconds(12), arguments: [Array("GET".utf8)])
}
measure("MetricStore ingest one tick (one node)", iterations: 20_000) {
    var store = MetricStore(capacity: 8)
    store.ingest(
        Sample(
            node: "n", time: Date(),
            outcome: .reading(Reading(info: info, slowlog: SlowlogDelta(entries: entries), pingRTT: .microseconds(300)))
        ))
}

if nameFilter.map({ "MetricStore one hour".localizedCaseInsensitiveContains($0) }) ?? true {
    let before = residentBytes()
    var store = MetricStore()
    for second in 0..<3600 {
        store.ingest(
            Sample(
                node: "n", time: Date(timeIntervalSince1970: Double(second)),
                outcome: .reading(
                    Reading(
                        info: info, slowlog: SlowlogDelta(entries: entries), pingRTT: .microseconds(300 + second % 50),
                        commandsSent: 3))))
    }
    let after = residentBytes()
    print(
        "MetricStore one hour at 1 s (3,600 ticks, \(store["n"]?.seriesKeys.count ?? 0) series): \(String(format: "%.1f", Double(after - before) / 1_048_576)) MiB resident"
    )
}

// The Prometheus exposition of 50 nodes shaped as `scripts/bench-exporter` finds them (INFO
// everything each; 13 namespaces, four per-namespace figures for all of them and the TTL jitter
// for seven, as key sampling of the production-like dataset reports; two BigKey alerts per
// node): built once per tick, rendered once per scrape. Built warm (in a loop, everything in
// the caches) and cold (the caches flushed before each build, as a build once a second finds
// them in a running process).
var fleet = MetricStore(capacity: 120)
let namespaceNames = [
    "session:*", "user:*:profile", "user:*:cart", "product:*", "price:*", "search:*", "feed:*", "rate:*",
    "lock:*", "big:blob:*", "big:hash:*", "queue:*", "config:*",
]
var fleetAlerts: [Alert] = []
for index in 0..<50 {
    let node = "10.0.0.\(index):6379"
    for second in 0..<3 {
        fleet.ingest(
            Sample(
                node: node, time: Date(timeIntervalSince1970: Double(second)),
                outcome: .reading(
                    Reading(
                        info: info, slowlog: SlowlogDelta(entries: []), pingRTT: .microseconds(300), commandsSent: 3))))
    }
    // Values as sampling makes them: estimates and shares with all their digits (0.2857142857142857).
    for (position, metric) in [Metric.namespaceKeys, .namespaceNoTTLShare, .namespaceExpiryWaveKeys, .namespaceBigKeys]
        .enumerated()
    {
        fleet.setInstances(
            node: node, metric,
            Dictionary(
                uniqueKeysWithValues: namespaceNames.enumerated().map {
                    ($1, (Double($0) + 1) / 7 * Double(position + 1))
                }
            ))
    }
    fleet.setInstances(
        node: node, .namespaceTTLJitter,
        Dictionary(uniqueKeysWithValues: namespaceNames.prefix(7).enumerated().map { ($1, Double($0) / 9) }))
    for namespace in ["big:blob:*", "big:hash:*"] {
        fleetAlerts.append(
            Alert(
                name: "BigKey", labels: ["node": node, "namespace": namespace], state: .firing, severity: .info,
                value: 1_048_576, summary: "", activeSince: Date(), firedAt: Date(), lastTrue: Date()))
    }
}
fleetAlerts.shuffle()
let exposition = PrometheusExposition(nodes: fleet.nodes, alerts: fleetAlerts)
print("Prometheus exposition of 50 nodes: \(exposition.bytes(.openMetrics).count) bytes")
measure("Prometheus exposition build (50 nodes)", iterations: 50) {
    _ = PrometheusExposition(nodes: fleet.nodes, alerts: fleetAlerts)
}
measureCold("Prometheus exposition build, caches cold (50 nodes)", iterations: 20) {
    _ = PrometheusExposition(nodes: fleet.nodes, alerts: fleetAlerts)
}
measure("Prometheus exposition render (50 nodes)", iterations: 50) {
    _ = exposition.bytes(.openMetrics)
}
