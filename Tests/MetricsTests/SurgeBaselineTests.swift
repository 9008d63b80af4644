import Foundation
import Testing

@testable import Metrics

/// Traffic against its usual level: a viral ramp stands out within seconds, a day's cycle never.
@Suite("Surge baselines")
struct SurgeBaselineTests {
    /// Feeds ops/s `ops(t)` (and misses at 5 % of it) once a second; returns each second's ratio.
    /// `usual` is what history says of each second, if anything.
    static func ratios(
        seconds: Int, usual: (Double) -> UsualRates? = { _ in nil }, references: inout [SurgeReference?],
        _ ops: (Double) -> Double
    ) -> [Double?] {
        var baseline = SurgeBaseline()
        var ratios: [Double?] = []
        for second in 0..<seconds {
            let rate = ops(Double(second))
            var values: [SeriesKey: Double] = [
                .metric(.opsPerSec): rate, .metric(.missesPerSec): rate * 0.05,
                .metric(.netInBytesPerSec): rate * 80, .metric(.netOutBytesPerSec): rate * 400,
                .metric(.connectionsPerSec): 2,
            ]
            baseline.update(&values, time: Double(second), usual: usual(Double(second)))
            ratios.append(values[metric: .opsSurgeRatio])
            references.append(baseline.reference(for: .opsSurgeRatio))
        }
        return ratios
    }

    /// ``ratios(seconds:usual:references:_:)`` without history.
    static func ratios(seconds: Int, _ ops: (Double) -> Double) -> [Double?] {
        var references: [SurgeReference?] = []
        return ratios(seconds: seconds, references: &references, ops)
    }

    /// History's usual rates: `ops` ops/s, the rest unknown.
    static func history(_ ops: Double, _ reference: SurgeReference = .dayAgo) -> UsualRates {
        UsualRates(opsPerSec: ops, netBytesPerSec: nil, connectionsPerSec: nil, missesPerSec: nil, reference: reference)
    }

    @Test(
        "with history, the same time a day ago is the usual level: a daily batch at ×8 is usual, ×8 at another time is a surge — from the first second, started mid-surge too"
    )
    func seasonal() throws {
        // History: 1,000 ops/s all day but a batch at ×8 from 600 s to 900 s (as a recording's
        // 75th percentile within 5 minutes gives it, from 5 minutes before).
        func usual(_ t: Double) -> UsualRates? {
            Self.history((300..<1_200).contains(t) ? 8_000 : 1_000)
        }
        var references: [SurgeReference?] = []
        let ratios = Self.ratios(seconds: 1_500, usual: usual, references: &references) { t in
            let batch = (600..<900).contains(t)
            let unusual = (1_300..<1_500).contains(t)
            return 1_000 * (batch || unusual ? 8 : 1) * Self.noise(t, 0.05)
        }
        // Compared with history from the first second: no trailing minute to wait for.
        #expect(ratios[0] != nil && references[0] == .dayAgo)
        #expect(
            ratios[600..<900].allSatisfy { ($0 ?? 99) < 1.2 },
            "the batch is usual: \(ratios[600..<900].compactMap { $0 }.max() ?? 0)")
        #expect(ratios[1_310..<1_500].allSatisfy { ($0 ?? 0) >= 5 }, "\(ratios[1_300..<1_340])")

        // Without history the batch is a surge: the test above could fail.
        let trailing = Self.ratios(seconds: 900) { t in 1_000 * ((600..<900).contains(t) ? 8 : 1) * Self.noise(t, 0.05)
        }
        #expect(trailing[640..<900].allSatisfy { ($0 ?? 0) >= 5 })

        // Started in the middle of a surge: the trailing window holds nothing but the surge,
        // history still sees it.
        references = []
        let midSurge = Self.ratios(seconds: 120, usual: { _ in Self.history(1_000) }, references: &references) { t in
            9_000 * Self.noise(t, 0.05)
        }
        #expect(midSurge.allSatisfy { ($0 ?? 0) >= 8 }, "\(midSurge.prefix(5))")
        var none: [SurgeReference?] = []
        let blind = Self.ratios(seconds: 120, references: &none) { t in 9_000 * Self.noise(t, 0.05) }
        #expect(blind.compactMap { $0 }.allSatisfy { $0 < 1.5 }, "without history it looks usual")
    }

    @Test("history's level gives way after 15 minutes of surge: traffic that grew for good is the usual level")
    func seasonalAdoption() {
        var references: [SurgeReference?] = []
        let ratios = Self.ratios(seconds: 1_500, usual: { _ in Self.history(1_000, .weekAgo) }, references: &references)
        {
            t in 6_000 * Self.noise(t, 0.05)
        }
        #expect(ratios[60..<800].allSatisfy { ($0 ?? 0) >= 5 })
        #expect(references[100] == .weekAgo)
        let adopted = ratios.indices.first { $0 > 800 && references[$0] == .adopted }
        #expect(adopted.map { $0 <= 960 } ?? false, "adopted at \(String(describing: adopted))")
        #expect(ratios[1_000...].allSatisfy { ($0 ?? 99) < 1.5 }, "\(ratios[1_000..<1_010])")
    }

    /// A deterministic noise factor in 1 ± amplitude.
    static func noise(_ second: Double, _ amplitude: Double) -> Double {
        1 + (sin(second * 78.233) * 43758.5453).truncatingRemainder(dividingBy: 1) * amplitude
    }

    @Test("a viral ramp: a steady minute, then ×20 over two minutes — ×5 seen within a minute of the ramp, held")
    func viral() throws {
        let ratios = Self.ratios(seconds: 240) { t in
            let ramp = min(max(t - 60, 0) / 120, 1)
            return 2_000 * (1 + 19 * ramp) * Self.noise(t, 0.05)
        }
        // Nothing to compare with in the first half-minute; calm in the steady minute.
        #expect(ratios[0..<30].allSatisfy { $0 == nil })
        #expect(ratios[40..<60].allSatisfy { ($0 ?? 0) < 1.2 }, "\(ratios[40..<60])")
        let first = try #require(ratios.indices.first { ($0 >= 60) && (ratios[$0] ?? 0) >= 5 })
        #expect(first - 60 <= 45, "×5 reached \(first - 60) s into the ramp")
        #expect(
            ratios[(first + 10)...].allSatisfy { ($0 ?? 0) >= 5 },
            "held while the surge lasts: \(ratios[first...].prefix(40))")
    }

    @Test("a compressed day (two hours, ×3 between night and peak, ±10 % noise): never a surge")
    func diurnal() {
        // Night to peak to night in two hours (twelve times faster than a day), at 1 s polls.
        let day = 7_200.0
        let ratios = Self.ratios(seconds: Int(day)) { t in
            let cycle = (1 - cos(2 * .pi * t / day)) / 2  // 0 at night, 1 at the peak
            return 1_000 * (1 + 2 * cycle) * Self.noise(t, 0.1)
        }
        let highest = ratios.compactMap { $0 }.max() ?? 0
        #expect(highest < 2, "the highest ratio over the day: \(highest)")
    }

    @Test("a surge that lasts becomes the usual level after 15 minutes; an idle server is no surge")
    func adoption() {
        let ratios = Self.ratios(seconds: 1_500) { t in t < 300 ? 1_000 : 8_000 }
        #expect((ratios[400] ?? 0) >= 7, "surging: \(ratios[400] ?? -1)")
        #expect((ratios[1_450] ?? 99) < 1.5, "15 minutes on: the new usual level: \(ratios[1_450] ?? -1)")
        // 0.5 ops/s, then 30: below the floor of 50, no surge.
        let idle = Self.ratios(seconds: 300) { t in t < 150 ? 0.5 : 30 }
        #expect(idle.compactMap { $0 }.allSatisfy { $0 < 1 })
    }
}
