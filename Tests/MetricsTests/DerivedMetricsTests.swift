import Foundation
import Metrics
import Telemetry
import Testing

@Suite("Derived metrics")
struct DerivedMetricsTests {
    @Test("rates and the interval hit ratio over a step table")
    func stepTable() throws {
        var store = MetricStore(capacity: 10)
        let t0 = 1_000.0
        store.ingest(InfoFixture.sample(t0, InfoFixture.reading(commands: 100, hits: 10, misses: 10, cpu: 1.0)))
        store.ingest(
            InfoFixture.sample(
                t0 + 2, InfoFixture.reading(commands: 2103, hits: 1010, misses: 510, evicted: 20, cpu: 1.5)))
        store.ingest(InfoFixture.sample(t0 + 3, InfoFixture.reading(commands: 2106, hits: 1010, misses: 510, cpu: 1.5)))
        let node = try #require(store["n1"])
        #expect(node.count == 3)
        // First tick: no previous poll, so no rates (absent, not zero).
        #expect(node.values(.opsPerSec)[0] == nil)
        #expect(node.values(.hitRatio)[0] == nil)
        #expect(node.values(.hitRatioLifetime)[0] == 0.5)
        // Second tick: 2,003 commands minus our 3 over 2 s; 1,000 hits and 500 misses.
        #expect(node.values(.opsPerSec)[1] == 1000)
        #expect(abs((node.values(.hitRatio)[1] ?? 0) - 2.0 / 3.0) < 1e-9)
        #expect(node.values(.hitsPerSec)[1] == 500)
        #expect(node.values(.evictedPerSec)[1] == 10)
        #expect(abs((node.values(.cpuPercent)[1] ?? 0) - 25) < 1e-9)
        // Third tick: no lookups at all → the interval hit ratio is undefined.
        #expect(node.values(.hitRatio)[2] == nil)
        #expect(node.values(.opsPerSec)[2] == 0)
        #expect(node.values(.hitsPerSec)[2] == 0)
    }

    @Test("a failed poll is a gap, never a zero, and rates resume after it")
    func gap() throws {
        var store = MetricStore(capacity: 10)
        store.ingest(InfoFixture.sample(0, InfoFixture.reading(commands: 3, hits: 0)))
        store.ingest(InfoFixture.failure(1))
        store.ingest(InfoFixture.sample(2, InfoFixture.reading(commands: 206, hits: 100, misses: 100)))
        let node = try #require(store["n1"])
        #expect(node.values(.up) == [1, 0, 1])
        #expect(node.values(.usedMemoryBytes) == [1000, nil, 1000])
        #expect(node.values(.opsPerSec)[1] == nil)
        #expect(node.values(.pingMs)[1] == nil)
        // Counters are monotonic across the gap: the rate averages over the 2 s.
        #expect(node.values(.opsPerSec)[2] == 100)
        #expect(node.values(.hitRatio)[2] == 0.5)
        #expect(node.failedPolls == 1)
        #expect(node.lastFailure == nil && node.isUp)
    }

    @Test("a restart or CONFIG RESETSTAT is a reset: no negative rate")
    func resets() throws {
        var store = MetricStore(capacity: 10)
        store.ingest(InfoFixture.sample(0, InfoFixture.reading(uptime: 500, commands: 5000, hits: 900, misses: 100)))
        // CONFIG RESETSTAT: same run, counters drop.
        store.ingest(InfoFixture.sample(1, InfoFixture.reading(uptime: 501, commands: 10, hits: 1, misses: 0)))
        store.ingest(InfoFixture.sample(2, InfoFixture.reading(uptime: 502, commands: 113, hits: 51, misses: 50)))
        // Restart: new run id, fresh counters that happen to be higher.
        store.ingest(
            InfoFixture.sample(3, InfoFixture.reading(runID: "run-2", uptime: 1, commands: 9999, hits: 5000, misses: 0))
        )
        store.ingest(
            InfoFixture.sample(
                4, InfoFixture.reading(runID: "run-2", uptime: 2, commands: 10102, hits: 5100, misses: 0)))
        let node = try #require(store["n1"])
        #expect(node.values(.opsPerSec) == [nil, nil, 100, nil, 100])
        #expect(node.values(.hitRatio) == [nil, nil, 0.5, nil, 1])
        for name in node.seriesKeys where name.name.hasSuffix("_per_sec") {
            #expect(node.values(name).allSatisfy { ($0 ?? 0) >= 0 }, "\(name) went negative")
        }
        #expect(node.counterResets == 2)
    }

    @Test("memory ratio only with a limit; per-database series align with time")
    func gaugesAndLateSeries() throws {
        var store = MetricStore(capacity: 4)
        store.ingest(InfoFixture.sample(0, InfoFixture.reading(used: 50, maxmemory: 0)))
        store.ingest(InfoFixture.sample(1, InfoFixture.reading(used: 50, maxmemory: 200, keys: 10)))
        let node = try #require(store["n1"])
        #expect(node.values(.memoryUsedRatio) == [nil, 0.25])
        #expect(node.values(.keys) == [0, 10])
        #expect(node.values(.database(0, .keys)) == [nil, 10])
        #expect(node.values(.database(0, .keysWithExpiry)) == [nil, 5])
        #expect(node.latest(.keysWithExpiry) == 5)
    }

    @Test("capacity bounds every series")
    func capacity() throws {
        var store = MetricStore(capacity: 5)
        for second in 0..<50 {
            store.ingest(InfoFixture.sample(Double(second), InfoFixture.reading(commands: Int64(second) * 13)))
        }
        let node = try #require(store["n1"])
        #expect(node.count == 5)
        #expect(Array(node.times) == [45, 46, 47, 48, 49])
        #expect(node.values(.opsPerSec) == [10, 10, 10, 10, 10])
    }

    @Test("PING percentiles over the latency window")
    func latencyPercentiles() throws {
        var store = MetricStore(capacity: 200, latencyWindow: 100)
        for index in 1...100 {
            store.ingest(InfoFixture.sample(Double(index), InfoFixture.reading(ping: .microseconds(index * 100))))
        }
        let node = try #require(store["n1"])
        // The histogram keeps two significant digits: within 1 % of the exact values.
        #expect(abs((node.latest(.pingP50Ms) ?? 0) - 5.0) <= 0.05)
        #expect(abs((node.latest(.pingP99Ms) ?? 0) - 9.9) <= 0.099)
        #expect(abs((node.latest(.pingMaxMs) ?? 0) - 10.0) <= 0.1)
        #expect(node.latest(.pingMs) == 10.0)
    }
}
