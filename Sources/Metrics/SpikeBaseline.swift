/// Recent baselines of the signals a stampede moves — misses, expiries + evictions, the hit
/// ratio — as exponentially weighted moving averages, and each tick's deviation from them.
///
/// A tick is compared with the baseline *before* it is folded in, so a spike does not hide
/// itself. Nothing is reported until `warmUp` ticks have built a baseline.
struct SpikeBaseline: Sendable {
    /// Smoothing: α = 2 / (N + 1) with N ≈ 60 ticks (a minute at 1 s).
    let alpha = 2.0 / 61.0
    /// Ticks before deviations are reported.
    let warmUp = 10
    /// Baselines below this rate (per second) are raised to it: 3 misses/s after 0.1/s is no spike.
    let floor = 5.0

    private var misses: Double?
    private var expiries: Double?
    private var hitRatio: Double?
    private var ticks = 0

    /// Adds this tick's deviations to `values` and folds the tick into the baselines.
    mutating func update(_ values: inout [String: Double]) {
        let missRate = values[Metric.missesPerSec.rawValue]
        let expired = values[Metric.expiredPerSec.rawValue]
        let evicted = values[Metric.evictedPerSec.rawValue]
        let expiryRate = expired.map { $0 + (evicted ?? 0) }
        let ratio = values[Metric.hitRatio.rawValue]
        if ticks >= warmUp {
            if let missRate, let misses { values[Metric.missSpikeRatio.rawValue] = missRate / max(misses, floor) }
            if let expiryRate, let expiries {
                values[Metric.expirySpikeRatio.rawValue] = expiryRate / max(expiries, floor)
            }
            if let ratio, let hitRatio { values[Metric.hitRatioDrop.rawValue] = hitRatio - ratio }
        }
        if let missRate { misses = fold(misses, missRate) }
        if let expiryRate { expiries = fold(expiries, expiryRate) }
        if let ratio { hitRatio = fold(hitRatio, ratio) }
        if missRate != nil || ratio != nil { ticks += 1 }
    }

    private func fold(_ average: Double?, _ value: Double) -> Double {
        average.map { $0 + alpha * (value - $0) } ?? value
    }
}
