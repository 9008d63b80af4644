import Foundation
import Testing

@testable import Metrics

/// Times to a ceiling on the growth shapes a cache meets, against the real time to full.
@Suite("Growth forecasts")
struct GrowthForecastTests {
    /// Feeds `seconds` of a 1 s series `value(t)` and returns the forecast at each second.
    static func run(seconds: Int, ceiling: Double, noise: Double, _ value: (Double) -> Double) -> [Double?] {
        var forecast = GrowthForecast()
        var answers: [Double?] = []
        for second in 0..<seconds {
            let time = Double(second)
            forecast.add(value(time), at: time)
            answers.append(forecast.secondsUntil(ceiling, at: time, noise: noise))
        }
        return answers
    }

    /// A deterministic noise in ±amplitude.
    static func noise(_ time: Double, _ amplitude: Double) -> Double {
        sin(time * 12.9898) * 43758.5453.truncatingRemainder(dividingBy: 1) * amplitude
    }

    @Test("linear growth: within 15 % of the real time to full once two minutes are seen")
    func linear() throws {
        // 1 GB limit, from 400 MB, +1 MB/s: full at 600 s.
        let answers = Self.run(seconds: 500, ceiling: 1e9, noise: 5e5) { 4e8 + 1e6 * $0 + Self.noise($0, 2e5) }
        for second in stride(from: 120, to: 500, by: 20) {
            let eta = try #require(answers[second], "at \(second) s")
            let truth = 600.0 - Double(second)
            #expect(abs(eta - truth) / truth < 0.15, "at \(second) s: \(eta) s, truly \(truth) s")
        }
    }

    @Test("accelerating growth (a viral ramp): followed, the answer within a factor of 2 and never late by more")
    func accelerating() throws {
        // Memory grows at 0.1 MB/s, then ×20 over two minutes: v = 4e8 + 1e5·t + a·t²/2.
        let acceleration = 2e4
        func value(_ t: Double) -> Double { 4e8 + 1e5 * t + acceleration * t * t / 2 }
        let full = GrowthForecast.solve(level: 4e8, slope: 1e5, acceleration: acceleration, to: 1e9) ?? 0
        let answers = Self.run(seconds: Int(full), ceiling: 1e9, noise: 5e5, value)
        for second in stride(from: 100, to: Int(full) - 10, by: 10) {
            let eta = try #require(answers[second], "at \(second) s")
            let truth = full - Double(second)
            #expect(eta <= truth * 1.1 && eta >= truth / 2, "at \(second) s: \(eta) s, truly \(truth) s")
        }
    }

    @Test("growth by steps: a bulk load is no trend by itself; steps every 5 minutes average out")
    func stepwise() throws {
        // +50 MB every 300 s, flat in between, from 600 MB of 1 GB: full after 8 steps (2,400 s).
        let answers = Self.run(seconds: 2_300, ceiling: 1e9, noise: 5e5) {
            6e8 + 5e7 * (($0 / 300).rounded(.down)) + Self.noise($0, 2e5)
        }
        // Just after a step, the step is not read as the pace (50 MB in a second would say
        // "full in 7 s"): no answer, or the long line's, never an alarm.
        for second in Array(300...340) + Array(600...640) + Array(900...940) {
            let truth = 2_400 - Double(second)
            #expect(answers[second].map { $0 >= truth / 2 } ?? true, "at \(second) s: \(answers[second] ?? -1) s")
        }
        // After a few steps the line over 30 minutes knows the pace: within a factor of 2.
        for second in stride(from: 1_200, to: 2_300, by: 50) {
            let truth = 2_400.0 - Double(second)
            let eta = try #require(answers[second], "at \(second) s")
            #expect(eta >= truth / 2 && eta <= truth * 2, "at \(second) s: \(eta) s, truly \(truth) s")
        }
    }

    @Test("nothing grows: no answer — flat with noise, shrinking, a sawtooth of evictions at the limit")
    func nothingGrows() {
        let flat = Self.run(seconds: 2_000, ceiling: 1e9, noise: 5e5) { 7e8 + Self.noise($0, 3e5) }
        #expect(flat.allSatisfy { $0 == nil })
        let shrinking = Self.run(seconds: 1_000, ceiling: 1e9, noise: 5e5) { 9e8 - 1e5 * $0 }
        #expect(shrinking.allSatisfy { $0 == nil })
        // At the limit: 0.
        let full = Self.run(seconds: 10, ceiling: 1e9, noise: 5e5) { _ in 1e9 }
        #expect(full.last == 0)
    }
}
