import Foundation
import Metrics
import Synchronization

/// The usual traffic of each time of day, read from a recording (`--record DIR` of earlier
/// runs): what the surge ratios compare with where the recording reaches a week or a day back
/// (``Metrics/SeasonalHistory``).
///
/// The usual rate at a moment is the 75th percentile of the recording's 10-second medians within
/// 5 minutes of that moment a week before — where the recording holds at least 5 minutes of it —
/// else a day before. A week before first: Monday's traffic is Monday's, not Sunday's. The 75th
/// percentile of ten minutes: a daily job that starts within a few minutes of its usual time is
/// usual, a 10-second outlier is not. Rates of polls that failed are not in the recording.
///
/// Answers come from memory, computed once per 10 seconds of the day; the recording is read 25
/// minutes at a time per reference, in the background (or in line, for virtual-time tests), at
/// most once every 5 minutes when it has nothing there. A recording that cannot be read gives no
/// usual rates, told once through `report`.
public final class RecordedSeasons: SeasonalHistory {
    /// One node's 10-second medians of the four rates, oldest first.
    private struct Medians: Sendable {
        var ends: [Double] = []
        var rates: [[Double?]] = []
    }

    /// What one reference (a week or a day before) has loaded.
    private struct Loaded: Sendable {
        /// The span read, in the reference's time (the moment minus its period).
        var span: ClosedRange<Double>
        var nodes: [String: Medians]
    }

    private struct State: Sendable {
        var loaded: [SurgeReference: Loaded] = [:]
        /// When a load of a reference was last started (the moment it was for), to retry a
        /// reference without data at most every ``RecordedSeasons/retrySeconds``.
        var attempted: [SurgeReference: Double] = [:]
        var loading: Set<SurgeReference> = []
        /// Answers by node and 10-second slot of the moment.
        var answers: [String: (slot: Int64, rates: UsualRates?)] = [:]
        var failed = false
    }

    /// The recording's directory.
    public let directory: String
    /// The references tried, first first.
    public let references: [SurgeReference] = [.weekAgo, .dayAgo]
    /// Seconds either side of the moment a reference reads.
    public static let halfWindow: TimeInterval = 300
    /// The least span of medians within the window for a usual rate.
    public static let minimumSpan: TimeInterval = 300
    /// Seconds read ahead of the moment at each load.
    static let readAhead: TimeInterval = 1_200
    /// A reference with nothing loaded for the moment is read again at most this often.
    static let retrySeconds: TimeInterval = 300
    /// Seconds per median (as the trailing level's).
    static let bucketSeconds = 10.0
    /// The percentile of the window's 10-second medians taken as the usual rate.
    static let quantile = 0.75

    private let inBackground: Bool
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())

    /// Reads usual rates from the recording in `directory` (which may be the one being written).
    ///
    /// - Parameters:
    ///   - inBackground: read the recording in a detached task (answers come once it is read);
    ///     `false` reads it in line (virtual-time tests).
    ///   - report: told once, in one line, when the recording cannot be read.
    public init(directory: String, inBackground: Bool = true, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.directory = directory
        self.inBackground = inBackground
        self.report = report
    }

    /// The usual rates of `node` at `time`: a week before, else a day before; `nil` while the
    /// recording is read (in the background) or where it has nothing there.
    public func usualRates(of node: String, at time: Double) -> UsualRates? {
        let slot = Int64((time / Self.bucketSeconds).rounded(.down))
        var toLoad: [SurgeReference] = []
        let answer = state.withLock { state -> UsualRates? in
            if let known = state.answers[node], known.slot == slot { return known.rates }
            guard !state.failed else { return nil }
            var found: UsualRates?
            for reference in references {
                guard let period = reference.period else { continue }
                let window = (time - period - Self.halfWindow)...(time - period + Self.halfWindow)
                let loaded = state.loaded[reference]
                if let loaded, loaded.span.lowerBound <= window.lowerBound, loaded.span.upperBound >= window.upperBound,
                    found == nil, let medians = loaded.nodes[node]
                {
                    found = Self.usual(medians, in: window, reference: reference)
                }
                // Read again before the window leaves what was read (answers go on meanwhile).
                let fresh =
                    loaded.map {
                        $0.span.lowerBound <= window.lowerBound
                            && $0.span.upperBound >= window.upperBound + Self.halfWindow
                    } ?? false
                if !fresh, !state.loading.contains(reference),
                    state.attempted[reference].map({ abs(time - $0) >= Self.retrySeconds }) ?? true
                {
                    state.loading.insert(reference)
                    state.attempted[reference] = time
                    toLoad.append(reference)
                }
            }
            // An answer while a load is on its way may change with it: not kept.
            if toLoad.isEmpty && state.loading.isEmpty { state.answers[node] = (slot, found) }
            return found
        }
        guard !toLoad.isEmpty else { return answer }
        if inBackground {
            Task.detached(priority: .utility) { self.load(toLoad, at: time) }
            return answer
        }
        load(toLoad, at: time)
        return usualRates(of: node, at: time)
    }

    /// Reads the recording around `time` minus each reference's period.
    private func load(_ references: [SurgeReference], at time: Double) {
        var results: [SurgeReference: Loaded] = [:]
        var failure: String?
        do {
            let recording = try Recording(directory: directory)
            for reference in references {
                guard let period = reference.period else { continue }
                let span = (time - period - Self.halfWindow)...(time - period + Self.readAhead)
                var loaded = Loaded(span: span, nodes: [:])
                if let recorded = try recording.span(), recorded.overlaps(span) {
                    let ticks = try recording.ticks(
                        from: span.lowerBound, to: span.upperBound, warmUp: 0, wholeFrom: span.upperBound + 1)
                    loaded.nodes = Self.medians(of: ticks.filter { span.contains($0.tick.time) })
                }
                results[reference] = loaded
            }
        } catch {
            failure = "usual traffic by time of day off: \(error)"
        }
        let told = state.withLock { state -> Bool in
            for reference in references { state.loading.remove(reference) }
            state.loaded.merge(results) { _, new in new }
            state.answers = [:]
            guard failure != nil, !state.failed else { return false }
            state.failed = true
            return true
        }
        if told, let failure { report(failure) }
    }

    /// The four rates of a tick, in ``UsualRates``'s order.
    private static func rates(_ tick: NodeTick) -> [Double?] {
        let values = tick.values
        let netIn = values[.metric(.netInBytesPerSec)]
        return [
            values[.metric(.opsPerSec)], netIn.map { $0 + (values[.metric(.netOutBytesPerSec)] ?? 0) },
            values[.metric(.connectionsPerSec)], values[.metric(.missesPerSec)],
        ]
    }

    /// Each node's 10-second medians of the four rates.
    private static func medians(of ticks: [Recording.Tick]) -> [String: Medians] {
        var buckets: [String: [Int64: [[Double]]]] = [:]
        for tick in ticks where tick.tick.failure == nil {
            let slot = Int64((tick.tick.time / Self.bucketSeconds).rounded(.down))
            var bucket = buckets[tick.node, default: [:]][slot] ?? [[], [], [], []]
            for (index, rate) in rates(tick.tick).enumerated() {
                if let rate, rate.isFinite { bucket[index].append(rate) }
            }
            buckets[tick.node, default: [:]][slot] = bucket
        }
        return buckets.mapValues { slots in
            var medians = Medians()
            for (slot, values) in slots.sorted(by: { $0.key < $1.key }) {
                medians.ends.append(Double(slot + 1) * Self.bucketSeconds)
                medians.rates.append(values.map { $0.isEmpty ? nil : quantile(0.5, of: $0) })
            }
            return medians
        }
    }

    /// The usual rates in `window`: each rate's 75th percentile of the medians there, if they
    /// span enough of it.
    private static func usual(
        _ medians: Medians, in window: ClosedRange<Double>, reference: SurgeReference
    )
        -> UsualRates?
    {
        var columns: [[Double]] = [[], [], [], []]
        var first: Double?
        var last: Double?
        for (end, rates) in zip(medians.ends, medians.rates) where window.contains(end) {
            first = first ?? end
            last = end
            for (index, rate) in rates.enumerated() { if let rate { columns[index].append(rate) } }
        }
        guard let first, let last, last - first + Self.bucketSeconds >= minimumSpan else { return nil }
        let levels = columns.map { $0.count >= 6 ? quantile(Self.quantile, of: $0) : nil }
        guard levels.contains(where: { $0 != nil }) else { return nil }
        return UsualRates(
            opsPerSec: levels[0], netBytesPerSec: levels[1], connectionsPerSec: levels[2], missesPerSec: levels[3],
            reference: reference)
    }

    /// The `q` quantile of `values` (not empty), interpolated.
    private static func quantile(_ q: Double, of values: [Double]) -> Double {
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
