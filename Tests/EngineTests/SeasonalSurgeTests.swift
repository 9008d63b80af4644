import Alerts
import Engine
import Foundation
import Metrics
import Recording
import Synchronization
import TestSupport
import Testing

/// Surges measured against the same time a day before, read from a real recording of that day,
/// in virtual time: what is usual at that hour (a daily batch) raises nothing, what is not (a
/// viral surge) fires — and without the recording the batch fires, so the first could fail.
@Suite("Surges against a recorded day", .sameOnEveryServer)
struct SeasonalSurgeTests {
    /// Seconds between polls (an exporter's scrape-like pace keeps two days to a few seconds).
    static let step = 30.0

    /// Ops/s at `second` of `day` (1 or 2): a day's cycle ×3 between night and the afternoon
    /// peak, a batch ×8 for five minutes at 02:00 (a minute later on day 2), on day 2 a tenth
    /// more traffic and a viral surge ×10 from 15:00 for ten minutes.
    static func reads(second: Double, day: Int) -> Double {
        let cycle = (1 - cos(2 * .pi * (second - 4 * 3600) / 86_400)) / 2
        var reads = 700 * (1 + 2 * cycle) * (day == 2 ? 1.1 : 1)
        let batch = (day == 1 ? 7_200.0 : 7_260.0)..<(day == 1 ? 7_500.0 : 7_560.0)
        if batch.contains(second) { reads *= 8 }
        if day == 2 && (54_000.0..<54_600).contains(second) { reads *= 10 }
        return reads
    }

    @Test(
        "a recorded day, then the next at 30 s polls: the 02:00 batch is usual, the 15:00 surge fires within a minute; without the recording the batch fires"
    )
    func recordedDay() throws {
        let directory = try TemporaryFile.directory(prefix: "cw-seasons")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var cache = VirtualCache(seed: 11)
        let midnight = cache.time
        let rules = DefaultRules.rules.filter { $0.name == "TrafficSurge" }
        let ticksPerDay = Int(86_400 / Self.step)

        // Day 1, recorded as `watch --record` would.
        let recorder = try Recorder(
            directory: directory, clock: VirtualWallClock(Date(timeIntervalSince1970: midnight)), report: { _ in })
        var dayOne = EngineState(rules: rules)
        for index in 0..<ticksPerDay {
            cache.readsPerSecond = Self.reads(second: Double(index) * Self.step, day: 1)
            let batch = [cache.tick(seconds: Self.step)]
            recorder.record(dayOne.apply(batch, now: Date(timeIntervalSince1970: cache.time)), state: dayOne)
        }
        recorder.close()

        // Day 2, with the recording and without.
        var withHistory = EngineState(
            rules: rules, seasonalHistory: RecordedSeasons(directory: directory, inBackground: false))
        var without = EngineState(rules: rules)
        var fired: [(second: Double, history: Bool)] = []
        var references: [Double: SurgeReference] = [:]
        for index in 0..<ticksPerDay {
            let second = Double(index) * Self.step
            cache.readsPerSecond = Self.reads(second: second, day: 2)
            let batch = [cache.tick(seconds: Self.step)]
            let now = Date(timeIntervalSince1970: cache.time)
            for event in withHistory.apply(batch, now: now).alertEvents where event.kind == .firing {
                fired.append((second, true))
            }
            // Without history, from an hour before the batch (the trailing half hour filled).
            if (3_600.0..<10_800).contains(second) {
                for event in without.apply(batch, now: now).alertEvents where event.kind == .firing {
                    fired.append((second, false))
                }
            }
            references[second] = withHistory.store[cache.node]?.surgeReference(for: .opsSurgeRatio)
        }
        let withFirings = fired.filter(\.history).map(\.second)
        let surge = 54_000.0..<54_600.0
        #expect(withFirings.allSatisfy { surge.contains($0) }, "fired outside the surge: \(withFirings)")
        let first = try #require(withFirings.first, "the surge at 15:00 never fired")
        #expect(first - surge.lowerBound <= 60, "fired \(first - surge.lowerBound) s into the surge")
        #expect(references[12 * 3600] == .dayAgo, "\(String(describing: references[12 * 3600]))")
        // Without the recording, the batch at 02:01 is a surge.
        let blind = fired.filter { !$0.history }.map(\.second)
        #expect(blind.contains { (7_260.0..<7_560).contains($0) }, "without history: \(blind)")
    }

    @Test(
        "the recording read: a week ago first, else a day ago; nothing with under 5 minutes there; read in the background, the answer comes; an unreadable recording is told once"
    )
    func references() async throws {
        let directory = try TemporaryFile.directory(prefix: "cw-seasons")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = 1_800_000_000.0 + 8 * 86_400
        let recorder = try Recorder(
            directory: directory, retention: 10 * 86_400, clock: VirtualWallClock(Date(timeIntervalSince1970: now)),
            report: { _ in })
        let node = VirtualCache(seed: 1).node
        /// Records `minutes` of `reads` lookups a second centred on `time`, at 10 s polls.
        func record(around time: Double, reads: Double, minutes: Int) {
            var cache = VirtualCache(seed: 3)
            cache.time = time - Double(minutes) * 30
            cache.readsPerSecond = reads
            cache.noise = 0.02
            var state = EngineState()
            for _ in 0..<(minutes * 6) {
                let outcome = state.apply([cache.tick(seconds: 10)], now: Date(timeIntervalSince1970: cache.time))
                recorder.record(outcome, state: state)
            }
        }
        record(around: now - 7 * 86_400, reads: 2_000, minutes: 20)
        record(around: now - 86_400, reads: 1_000, minutes: 20)
        record(around: now + 7_200 - 86_400, reads: 500, minutes: 20)
        record(around: now + 14_400 - 86_400, reads: 500, minutes: 3)
        recorder.close()

        let seasons = RecordedSeasons(directory: directory, inBackground: false)
        // Ops/s are lookups and writes (60/s) and the poll's own commands.
        let week = try #require(seasons.usualRates(of: node, at: now))
        #expect(week.reference == .weekAgo)
        #expect(abs((week.opsPerSec ?? 0) - 2_060) < 100, "\(week)")
        #expect(week.netBytesPerSec != nil && week.missesPerSec != nil)
        let day = try #require(seasons.usualRates(of: node, at: now + 7_200))
        #expect(day.reference == .dayAgo)
        #expect(abs((day.opsPerSec ?? 0) - 560) < 50, "\(day)")
        #expect(seasons.usualRates(of: node, at: now + 14_400) == nil, "3 minutes are not a usual level")
        #expect(seasons.usualRates(of: "elsewhere:6379", at: now) == nil)

        let background = RecordedSeasons(directory: directory)
        _ = background.usualRates(of: node, at: now)
        #expect(
            try await eventually(timeout: .seconds(10)) {
                background.usualRates(of: node, at: now)?.reference == .weekAgo
            })

        let told = Mutex<[String]>([])
        let missing = RecordedSeasons(
            directory: directory + "-missing", inBackground: false,
            report: { line in told.withLock { $0.append(line) } })
        #expect(missing.usualRates(of: node, at: now) == nil)
        #expect(missing.usualRates(of: node, at: now + 3_600) == nil)
        #expect(told.withLock { $0.count } == 1, "\(told.withLock { $0 })")
        #expect(told.withLock { $0.first?.contains("no recording in") } == true, "\(told.withLock { $0 })")
    }
}
