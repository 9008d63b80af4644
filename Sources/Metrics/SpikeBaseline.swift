import Foundation

/// Recent baselines of the signals a stampede moves — misses, expiries + evictions, the hit
/// ratio — as exponentially weighted moving averages, and each tick's deviation from them.
///
/// A tick is compared with the baseline *before* it is folded in, so a spike does not hide
/// itself. Nothing is reported until `warmUp` seconds of ticks have built a baseline; during
/// the warm-up the baseline is the median of the ticks so far, so that a spike in the first
/// ticks (a stampede as watching starts) does not seed it high and hide the next one.
///
/// The smoothing is by time, not by tick: each tick weighs α = 1 − e^(−Δt/τ) with τ = 30 s
/// (at 1 s polls the classic 2/(60+1)), so the baseline spans the same minute whatever the
/// polling interval, and a late or skipped poll weighs for the time it covers.
struct SpikeBaseline: Sendable {
    /// The time constant of the averages, in seconds.
    let timeConstant = 30.0
    /// Seconds of ticks before deviations are reported (and at least three ticks).
    let warmUp = 10.0
    /// Baselines below this rate (per second) are raised to it: 3 misses/s after 0.1/s is no spike.
    let floor = 5.0

    private var misses: Double?
    private var expiries: Double?
    private var hitRatio: Double?
    private var ticks = 0
    /// The warm-up's ticks (misses, expiries, hit ratio), for their medians.
    private var warmUpValues: [[Double]] = [[], [], []]
    private var firstTime: Double?
    private var lastTime: Double?

    /// Adds this tick's deviations to `values` and folds the tick into the baselines.
    ///
    /// - Parameter time: the tick's time in seconds (the weight of a tick is the time since the
    ///   previous one).
    mutating func update(_ values: inout [SeriesKey: Double], time: Double) {
        let missRate = values[metric: .missesPerSec]
        let expired = values[metric: .expiredPerSec]
        let evicted = values[metric: .evictedPerSec]
        let expiryRate = expired.map { $0 + (evicted ?? 0) }
        let ratio = values[metric: .hitRatio]
        let warmedUp = ticks >= 3 && time - (firstTime ?? time) >= warmUp
        if warmedUp {
            if let missRate, let misses { values[metric: .missSpikeRatio] = missRate / max(misses, floor) }
            if let expiryRate, let expiries {
                values[metric: .expirySpikeRatio] = expiryRate / max(expiries, floor)
            }
            if let ratio, let hitRatio { values[metric: .hitRatioDrop] = hitRatio - ratio }
        }
        let elapsed = max(0, time - (lastTime ?? time))
        let alpha = 1 - exp(-max(elapsed, 0.05) / timeConstant)
        func fold(_ average: Double?, _ value: Double, _ index: Int) -> Double {
            guard warmedUp else {
                warmUpValues[index].append(value)
                if warmUpValues[index].count > 1000 { warmUpValues[index].removeFirst() }
                let sorted = warmUpValues[index].sorted()
                return sorted[sorted.count / 2]
            }
            return average.map { $0 + alpha * (value - $0) } ?? value
        }
        if let missRate { misses = fold(misses, missRate, 0) }
        if let expiryRate { expiries = fold(expiries, expiryRate, 1) }
        if let ratio { hitRatio = fold(hitRatio, ratio, 2) }
        if warmedUp && warmUpValues.contains(where: { !$0.isEmpty }) { warmUpValues = [[], [], []] }
        if missRate != nil || ratio != nil {
            ticks += 1
            if firstTime == nil { firstTime = time }
            lastTime = time
        }
    }
}
