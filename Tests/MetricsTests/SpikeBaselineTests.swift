import Foundation
import Metrics
import Telemetry
import Testing

@Suite("Spike baselines by time")
struct SpikeBaselineTests {
    /// Misses at 100/s for two minutes, then 500/s, polled every `interval` seconds; returns the
    /// miss spike ratio at the first poll after the step, and at the poll after 30 s of the new
    /// level have gone into the baseline (a tick is compared before it is folded in).
    static func ratios(interval: Double) -> (atStep: Double?, after30s: Double?) {
        var store = MetricStore()
        var misses: Int64 = 0
        var hits: Int64 = 0
        var time = 0.0
        var atStep: Double?
        var after: Double?
        while time <= 155 {
            let rate: Double = time < 120 - 1e-9 ? 100 : 500
            store.ingest(
                InfoFixture.sample(
                    time,
                    InfoFixture.reading(
                        commands: misses + hits, hits: hits, misses: misses)))
            if abs(time - (120 + interval)) < 1e-6 { atStep = store["n1"]?.latest(.missSpikeRatio) }
            if abs(time - (150 + interval)) < 1e-6 { after = store["n1"]?.latest(.missSpikeRatio) }
            misses += Int64(rate * interval)
            hits += Int64(1000 * interval)
            time += interval
        }
        return (atStep, after)
    }

    @Test("the same traffic gives the same spike ratios at 0.5 s, 1 s and 2 s polls")
    func intervalIndependent() throws {
        for interval in [0.5, 1, 2] {
            let (atStep, after) = Self.ratios(interval: interval)
            let step = try #require(atStep, "no ratio at \(interval) s")
            let later = try #require(after, "no ratio 30 s later at \(interval) s")
            #expect(abs(step - 5) < 0.05, "at \(interval) s: \(step)")
            // Baseline 30 s into the new level: 500 − 400·e^(−1) ≈ 352.8, so 500 / 352.8 ≈ 1.42.
            #expect(abs(later - 1.417) < 0.04, "at \(interval) s: \(later)")
        }
    }
}
