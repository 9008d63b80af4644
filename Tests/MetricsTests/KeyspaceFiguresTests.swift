import Foundation
import Metrics
import Telemetry
import Testing

/// The keyspace figures taken from the model once a second: what they say at a later moment.
@Suite("Keyspace figures")
struct KeyspaceFiguresTests {
    @Test("the forecast moves on with time: a wave 40 s ahead is 30 s ahead ten seconds later, gone once past")
    func forecastMovesOn() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var sampling = KeyspaceSampling()
        let keys = (0..<50).map {
            KeyMetadata(
                name: Array("price:\($0)".utf8), type: "string", ttlMilliseconds: 40_500, memoryBytes: 64,
                observedAt: now)
        }
        sampling.add(keys, finishedPass: true, totalKeys: 50, now: now)
        let figures = KeyspaceFigures(sampling, now: now)
        #expect(figures.expiryPeaks(now: now, count: 1).first?.secondsFromNow == 40)
        #expect(figures.expiryPeaks(now: now.addingTimeInterval(10), count: 1).first?.secondsFromNow == 30)
        #expect(figures.expiryForecast(now: now.addingTimeInterval(10)).count == figures.forecast.count)
        #expect(figures.expiryPeaks(now: now.addingTimeInterval(45), count: 1).isEmpty)
        #expect(figures.expiryForecast(now: now.addingTimeInterval(10_000)).allSatisfy { $0 == 0 })
        // What the model says, the figures say.
        #expect(figures.expiryForecast(now: now) == sampling.model.expiryForecast(now: now))
        #expect(figures.estimatedKeys("price:*") == 50 && figures.expiryWave(of: "price:*") == 50)
        #expect(figures.ruleFigures.perNode.first { $0.0 == .expiryWaveKeys }?.1 == 50)
    }
}
