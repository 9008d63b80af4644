import Foundation
import Recording
import TestSupport
import Testing

/// `replay --format openmetrics` into Prometheus: `promtool tsdb create-blocks-from openmetrics`
/// takes it, and a real Prometheus answers queries over the backfilled hour with the recorded
/// values.
@Suite("History into Prometheus", .sameOnEveryServer)
struct OpenMetricsBackfillTests {
    @Test("an hour backfilled with promtool: Prometheus's values at any moment are the recording's")
    func backfill() async throws {
        let directory = try TemporaryDirectory()
        // An hour that ended ten minutes ago (Prometheus keeps 15 days).
        let start = (Date().timeIntervalSince1970 - 4_200).rounded(.down)
        try RecordedIncident.write(into: directory.path, start: start, seconds: 3_600)
        let text = try await CachewatchBinary.run(
            ["replay", directory.path, "--format", "openmetrics"], timeout: .seconds(60))
        #expect(text.code == 0, "\(text.stderr)")
        #expect(text.stdout.hasSuffix("# EOF\n"))
        let file = directory.path + "/history.om"
        try text.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let blocks = directory.path + "/blocks"
        let promtool = try ChildProcess(
            executable: "/usr/bin/promtool", arguments: ["tsdb", "create-blocks-from", "openmetrics", file, blocks])
        #expect(try await promtool.waitForExit(timeout: .seconds(60)) == 0, "\(promtool.standardError)")
        let prometheus = try await PrometheusProcess(targets: [], blocks: blocks)
        defer { Task { await prometheus.stop() } }
        // The recording's own values at a few moments, read back in-process.
        let recording = try Recording(directory: directory.path)
        let ticks = try recording.ticks()
        #expect(ticks.count == 3_600)
        for index in [10, 900, 2_000, 3_590] {
            let tick = ticks[index].tick
            let recorded = try #require(tick.values[.metric(.hitRatio)])
            let answer = try await prometheus.query("cachewatch_hit_ratio{node=\"cache-1:6379\"}", at: tick.time)
            #expect(
                answer.count == 1 && abs((answer.first?.value ?? .nan) - recorded) < 1e-12,
                "tick \(index): \(answer) vs \(recorded)")
            let memory = try await prometheus.query("cachewatch_used_memory_bytes", at: tick.time)
            #expect(memory.first?.value == tick.values[.metric(.usedMemoryBytes)])
        }
        let count = try await prometheus.query(
            "count_over_time(cachewatch_hit_ratio[1h])", at: ticks[ticks.count - 1].tick.time)
        #expect((count.first?.value ?? 0) >= 3_599, "\(count)")
    }
}
