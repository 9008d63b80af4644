// How good cachewatch's time-to-full is, against the real time to full, on three growth shapes
// of a 1 GB cache — linear, accelerating (the growth rate doubling every 20 minutes), stepwise
// (+40 MB every 10 minutes) — beside a least-squares line over the last 6 hours (BetterDB's
// forecast, as it describes it), run on the same series. Virtual time, 1 s polls, through the
// engine's own series (`memory_full_eta_seconds`); noise of ±0.5 MB on every poll.
//   swift run -c release ForecastBenchmark      (scripts/bench-forecast)
import Foundation
import Metrics
import Telemetry

let limit = 1e9
let start = 1_800_000_000.0

/// A growth shape: memory at second `t`, and the second it reaches the limit.
struct Shape {
    let name: String
    let memory: (Double) -> Double
    let full: Double
}

let r0 = 20_000.0
let doubling = 1_200.0
let shapes = [
    Shape(name: "linear (+100 KB/s)", memory: { 3e8 + 1e5 * $0 }, full: 7_000),
    Shape(
        name: "accelerating (20 KB/s, doubling every 20 min)",
        memory: { 3e8 + r0 * doubling / log(2) * (pow(2, $0 / doubling) - 1) },
        full: doubling * log2(1 + 7e8 * log(2) / (r0 * doubling))),
    Shape(name: "stepwise (+40 MB every 10 min)", memory: { 3e8 + 4e7 * ($0 / 600).rounded(.down) }, full: 18 * 600),
]

/// A deterministic noise in ±amplitude.
func noise(_ t: Double, _ amplitude: Double) -> Double {
    ((sin(t * 12.9898) * 43758.5453).truncatingRemainder(dividingBy: 1)) * amplitude
}

/// The least-squares line over the last 6 hours (one point every 10 s): its time to `limit`.
func leastSquares(_ points: [(Double, Double)], at time: Double) -> Double? {
    let window = points.filter { $0.0 > time - 6 * 3600 }
    let n = Double(window.count)
    guard n >= 2 else { return nil }
    var (st, sv, stt, stv) = (0.0, 0.0, 0.0, 0.0)
    for (t, v) in window {
        let x = t - time
        st += x
        sv += v
        stt += x * x
        stv += x * v
    }
    let slope = (n * stv - st * sv) / (n * stt - st * st)
    let level = (sv - slope * st) / n
    guard slope > 0 else { return nil }
    return max(0, (limit - level) / slope)
}

func info(_ used: Double, _ t: Double) -> InfoSnapshot {
    InfoSnapshot(sections: [
        "server": ["redis_version": "7.2.4", "run_id": "forecast", "uptime_in_seconds": String(Int(t) + 1000)],
        "memory": [
            "used_memory": String(Int64(used)), "maxmemory": String(Int64(limit)), "maxmemory_policy": "allkeys-lru",
        ],
        "stats": ["total_commands_processed": String(Int64(t) * 1000), "keyspace_hits": "0", "keyspace_misses": "0"],
    ])
}

func factor(_ estimate: Double?, _ truth: Double) -> String {
    guard let estimate else { return "none" }
    let ratio = max(estimate / truth, truth / max(estimate, 1))
    return String(format: "%.0f s (×%.2f %@)", estimate, ratio, estimate < truth ? "early" : "late")
}

print("== ForecastBenchmark: 1 GB limit, 1 s polls, ±0.5 MB noise, virtual time")
print("| shape | real time to full | cachewatch `memory_full_eta_seconds` | least squares over 6 h |")
print("|---|---|---|---|")
for shape in shapes {
    var store = MetricStore()
    var points: [(Double, Double)] = []
    var ours: [Int: Double?] = [:]
    var theirs: [Int: Double?] = [:]
    var firstWarning: (ours: Double?, theirs: Double?) = (nil, nil)
    let checkpoints = [3_600, 1_800, 900, 300, 60]
    for second in 0..<Int(shape.full) {
        let t = Double(second)
        let used = min(limit, shape.memory(t) + noise(t, 5e5))
        let time = Date(timeIntervalSince1970: start + t)
        let reading = Reading(info: info(used, t), slowlog: nil, pingRTT: .microseconds(300))
        store.ingest(Sample(node: "n", time: time, outcome: .reading(reading)))
        if second % 10 == 0 { points.append((t, used)) }
        let eta = store["n"]?.latest(.memoryFullEtaSeconds)
        let line = second % 10 == 0 ? leastSquares(points, at: t) : theirs[-1] ?? nil
        theirs[-1] = line
        let remaining = shape.full - t
        if firstWarning.ours == nil, let eta, eta < 900 { firstWarning.ours = remaining }
        if firstWarning.theirs == nil, let line, line < 900 { firstWarning.theirs = remaining }
        for checkpoint in checkpoints where Int(remaining) == checkpoint {
            ours[checkpoint] = eta
            theirs[checkpoint] = line
        }
    }
    for checkpoint in checkpoints {
        print(
            "| \(shape.name) | \(checkpoint) s | \(factor(ours[checkpoint] ?? nil, Double(checkpoint))) | \(factor(theirs[checkpoint] ?? nil, Double(checkpoint))) |"
        )
    }
    print(
        "| \(shape.name) | *first said < 15 min* | \(firstWarning.ours.map { String(format: "%.0f s before full", $0) } ?? "never") | \(firstWarning.theirs.map { String(format: "%.0f s before full", $0) } ?? "never") |"
    )
}
