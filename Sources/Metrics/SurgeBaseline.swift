import Foundation

/// The usual level of the rates a traffic surge moves — ops/s, network bytes, new connections,
/// misses — and each tick's ratio to it (`ops_surge_ratio`…).
///
/// The usual level is robust to the daily cycle and to outliers: the median of the 10-second
/// medians of the last 30 minutes. The newest 30 s are left out (the start of a ramp does not
/// raise its own baseline), and so is every 10 s that was itself a surge (3× the level of its
/// time), so that a surge does not become the usual level while it lasts — unless it lasts:
/// after 15 minutes with too few calm seconds, the level is what the traffic has become. A
/// daily cycle of ×3 between night and peak moves the level by about 5 % per half hour, far
/// from a surge. Nothing is reported before there are three 10-second medians 30 s old (a
/// minute of polls).
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
        /// The level computed last, and until when it holds (the next median to come of age
        /// or to leave the window).
        var level: Double?
        var levelHoldsUntil = -Double.infinity
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

    /// Adds this tick's surge ratios to `values` and takes its rates in.
    mutating func update(_ values: inout [SeriesKey: Double], time: Double) {
        let netIn = values[metric: .netInBytesPerSec]
        let rates: [Double?] = [
            values[metric: .opsPerSec], netIn.map { $0 + (values[metric: .netOutBytesPerSec] ?? 0) },
            values[metric: .connectionsPerSec], values[metric: .missesPerSec],
        ]
        for index in signals.indices {
            guard let rate = rates[index], rate.isFinite else { continue }
            if time >= signals[index].levelHoldsUntil || time < signals[index].levelHoldsUntil - Self.windowSeconds {
                signals[index].level = Self.level(of: signals[index], at: time)
                signals[index].levelHoldsUntil = Self.levelHoldsUntil(signals[index], at: time)
            }
            if let level = signals[index].level {
                values[metric: signals[index].ratio] = rate / max(level, signals[index].floor)
            }
            take(rate, into: &signals[index], at: time)
        }
    }

    /// When the level of `signal` computed at `time` changes next: a median comes of age or
    /// leaves the window (a new median changes it too: see ``take(_:into:at:)``).
    private static func levelHoldsUntil(_ signal: Signal, at time: Double) -> Double {
        let ofAge = signal.medians.first { $0.end > time - recentSeconds }.map { $0.end + recentSeconds }
        let leaving = signal.medians.first.map { $0.end + windowSeconds }
        return min(ofAge ?? .infinity, leaving ?? .infinity)
    }

    /// The usual level of `signal` at `time`, if there is enough history.
    private static func level(of signal: Signal, at time: Double) -> Double? {
        let eligible = signal.medians.filter { $0.end <= time - recentSeconds && $0.end > time - windowSeconds }
        // Surging for long — every median of the last 15 minutes — the surge is the usual level now.
        let lately = eligible.filter { $0.end > time - recentSeconds - adoptionSeconds }
        if isAdopted(lately) { return median(lately.map(\.median)) }
        let calm = eligible.filter { !$0.surge }.map(\.median)
        return calm.count >= minimumMedians ? median(calm) : nil
    }

    /// Whether `lately` (the last 15 minutes' medians but the newest 30 s) were all a surge.
    private static func isAdopted(_ lately: [(end: Double, median: Double, surge: Bool)]) -> Bool {
        Double(lately.count) * bucketSeconds >= adoptionSeconds - bucketSeconds && lately.allSatisfy(\.surge)
    }

    private func take(_ rate: Double, into signal: inout Signal, at time: Double) {
        if let start = signal.bucketStart, time - start >= Self.bucketSeconds, !signal.bucket.isEmpty {
            // A surge adopted as the usual level: what came before it is history, not the level.
            let since = time - Self.recentSeconds - Self.adoptionSeconds
            if Self.isAdopted(signal.medians.filter { $0.end > since && $0.end <= time - Self.recentSeconds }) {
                signal.medians = signal.medians.filter { $0.end > since }.map { ($0.end, $0.median, false) }
            }
            let closed = Self.median(signal.bucket)
            let level = Self.level(of: signal, at: time)
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
