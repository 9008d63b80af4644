import Foundation

/// The usual level of the rates a traffic surge moves — ops/s, network bytes, new connections,
/// misses — and each tick's ratio to it (`ops_surge_ratio`…).
///
/// Where history knows the same time a week or a day before (``SeasonalHistory``: a recording),
/// that is the usual level: a daily batch at 02:00 or the morning ramp is usual there, and
/// cachewatch started in the middle of a surge still sees it as one. Otherwise the usual level
/// is robust to the daily cycle and to outliers: the median of the 10-second medians of the last
/// 30 minutes. The newest 30 s are left out (the start of a ramp does not raise its own
/// baseline), and so is every 10 s that was itself a surge (3× the level of its time), so that a
/// surge does not become the usual level while it lasts — unless it lasts: after 15 minutes with
/// too few calm seconds, the level is what the traffic has become (history's level included:
/// traffic that grew for good is the usual level after 15 minutes). A daily cycle of ×3 between
/// night and peak moves the trailing level by about 5 % per half hour, far from a surge. Without
/// history, nothing is reported before there are three 10-second medians 30 s old (a minute of
/// polls).
struct SurgeBaseline: Sendable {
    /// One rate followed.
    private struct Signal: Sendable {
        /// The ratio it gives.
        let ratio: Metric
        /// Levels below this are raised to it: 1 op/s after 0.1/s is no surge.
        let floor: Double
        /// The current 10 seconds' values.
        var bucket: [Double] = []
        var bucketStart: Double?
        /// Closed 10-second medians, oldest first: when each closed, its median, whether it was
        /// a surge.
        var medians: [(end: Double, median: Double, surge: Bool)] = []
        /// The trailing level computed last (adopted: the surge of the last 15 minutes), and
        /// until when it holds (the next median to come of age or to leave the window).
        var trailing: (level: Double, adopted: Bool)?
        var levelHoldsUntil = -Double.infinity
        /// Where the level of the newest tick came from.
        var reference: SurgeReference?
        /// A surge was adopted over history's level: the trailing level holds until it comes
        /// back within twice history's.
        var outgrewHistory = false
    }

    /// Seconds per median.
    static let bucketSeconds = 10.0
    /// How far back the usual level looks.
    static let windowSeconds = 1800.0
    /// The newest seconds left out of the level.
    static let recentSeconds = 30.0
    /// A 10-second median this many times the level is a surge: left out of later levels.
    static let surgeFactor = 3.0
    /// Medians needed for a level.
    static let minimumMedians = 3
    /// Seconds of surge after which the surge is the usual level.
    static let adoptionSeconds = 900.0

    private var signals: [Signal] = [
        Signal(ratio: .opsSurgeRatio, floor: 50),
        Signal(ratio: .netSurgeRatio, floor: 10_000),
        Signal(ratio: .connectionsSurgeRatio, floor: 1),
        Signal(ratio: .missesSurgeRatio, floor: 5),
    ]

    /// Where the level of `ratio` (``Metric/opsSurgeRatio``…) came from at the newest tick;
    /// `nil` while there is none.
    func reference(for ratio: Metric) -> SurgeReference? {
        signals.first { $0.ratio == ratio }?.reference
    }

    /// Adds this tick's surge ratios to `values` and takes its rates in; `usual` is what history
    /// says of this time of day, if anything.
    mutating func update(_ values: inout [SeriesKey: Double], time: Double, usual: UsualRates? = nil) {
        let netIn = values[metric: .netInBytesPerSec]
        let rates: [Double?] = [
            values[metric: .opsPerSec], netIn.map { $0 + (values[metric: .netOutBytesPerSec] ?? 0) },
            values[metric: .connectionsPerSec], values[metric: .missesPerSec],
        ]
        for index in signals.indices {
            guard let rate = rates[index], rate.isFinite else { continue }
            if time >= signals[index].levelHoldsUntil || time < signals[index].levelHoldsUntil - Self.windowSeconds {
                signals[index].trailing = Self.trailingLevel(of: signals[index], at: time)
                signals[index].levelHoldsUntil = Self.levelHoldsUntil(signals[index], at: time)
            }
            let ratio = signals[index].ratio
            let seasonal = usual.flatMap { usual in usual.level(for: ratio).map { ($0, usual.reference) } }
            if let trailing = signals[index].trailing, let seasonal,
                trailing.level <= 2 * max(seasonal.0, signals[index].floor)
            {
                signals[index].outgrewHistory = false
            }
            let level = Self.level(
                trailing: signals[index].trailing, seasonal: seasonal, outgrewHistory: signals[index].outgrewHistory)
            signals[index].reference = level?.reference
            if let level {
                values[metric: signals[index].ratio] = rate / max(level.value, signals[index].floor)
            }
            take(rate, into: &signals[index], at: time, level: level?.value)
        }
    }

    /// When the level of `signal` computed at `time` changes next: a median comes of age or
    /// leaves the window (a new median changes it too: see ``take(_:into:at:level:)``).
    private static func levelHoldsUntil(_ signal: Signal, at time: Double) -> Double {
        let ofAge = signal.medians.first { $0.end > time - recentSeconds }.map { $0.end + recentSeconds }
        let leaving = signal.medians.first.map { $0.end + windowSeconds }
        return min(ofAge ?? .infinity, leaving ?? .infinity)
    }

    /// The usual level: a surge adopted (lately, or over history's level since), else history's
    /// level of this time of day, else the trailing one.
    private static func level(
        trailing: (level: Double, adopted: Bool)?, seasonal: (Double, SurgeReference)?, outgrewHistory: Bool
    ) -> (value: Double, reference: SurgeReference)? {
        if let trailing, trailing.adopted || (outgrewHistory && seasonal != nil) { return (trailing.level, .adopted) }
        if let seasonal { return seasonal }
        return trailing.map { ($0.level, .trailing) }
    }

    /// The trailing level of `signal` at `time`, if there is enough of it.
    private static func trailingLevel(of signal: Signal, at time: Double) -> (level: Double, adopted: Bool)? {
        let eligible = signal.medians.filter { $0.end <= time - recentSeconds && $0.end > time - windowSeconds }
        // Surging for long — every median of the last 15 minutes — the surge is the usual level now.
        let lately = eligible.filter { $0.end > time - recentSeconds - adoptionSeconds }
        if isAdopted(lately) { return (median(lately.map(\.median)), true) }
        let calm = eligible.filter { !$0.surge }.map(\.median)
        return calm.count >= minimumMedians ? (median(calm), false) : nil
    }

    /// Whether `lately` (the last 15 minutes' medians but the newest 30 s) were all a surge.
    private static func isAdopted(_ lately: [(end: Double, median: Double, surge: Bool)]) -> Bool {
        Double(lately.count) * bucketSeconds >= adoptionSeconds - bucketSeconds && lately.allSatisfy(\.surge)
    }

    /// Takes `rate` into the signal's 10-second bucket; a bucket that closes is a surge when its
    /// median is 3× `level` (the usual level of its time).
    private func take(_ rate: Double, into signal: inout Signal, at time: Double, level: Double?) {
        if let start = signal.bucketStart, time - start >= Self.bucketSeconds, !signal.bucket.isEmpty {
            // A surge adopted as the usual level: what came before it is history, not the level.
            let since = time - Self.recentSeconds - Self.adoptionSeconds
            if Self.isAdopted(signal.medians.filter { $0.end > since && $0.end <= time - Self.recentSeconds }) {
                signal.outgrewHistory = true
                signal.medians = signal.medians.filter { $0.end > since }.map { ($0.end, $0.median, false) }
            }
            let closed = Self.median(signal.bucket)
            let surge = level.map { closed >= Self.surgeFactor * max($0, signal.floor) } ?? false
            signal.medians.append((time, closed, surge))
            signal.medians.removeAll { $0.end <= time - Self.windowSeconds }
            signal.bucket.removeAll(keepingCapacity: true)
            signal.bucketStart = nil
            signal.levelHoldsUntil = -.infinity
        }
        if signal.bucketStart == nil { signal.bucketStart = time }
        signal.bucket.append(rate)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
