import Foundation

/// When a growing figure reaches its ceiling: memory against `maxmemory`, clients against
/// `maxclients`, the main thread's CPU against its one core.
///
/// Two fits, the earlier answer kept:
/// - **the last two minutes, with their acceleration** (least squares of a parabola over every
///   point; the acceleration kept only three standard errors clear of the noise, and only
///   upwards — a fit that decelerates is extrapolated as a straight line, never as a turn),
///   used only while the growth is sustained — each half-minute's mean above the one before by
///   more than noise — so that a step (a bulk load, a restart's warm-up) is not read as a trend;
/// - **the last 30 minutes, as a line** (least squares over points kept every 5 s), once five
///   minutes are there: steady growth, and growth by steps, averaged.
///
/// No answer (absent, not infinite) while nothing grows, or beyond 30 days.
struct GrowthForecast: Sendable {
    /// Seconds of the short fit.
    static let shortSeconds = 120.0
    /// Seconds of the long fit, and the spacing of its points.
    static let longSeconds = 1800.0
    static let longSpacing = 5.0
    /// Seconds of history the long fit needs.
    static let longMinimum = 300.0
    /// The farthest an answer goes.
    static let horizon = 30 * 86_400.0

    private var recent: [(time: Double, value: Double)] = []
    private var spaced: [(time: Double, value: Double)] = []

    /// Takes a value at `time` (seconds).
    mutating func add(_ value: Double, at time: Double) {
        guard value.isFinite else { return }
        if let last = recent.last, time <= last.time { return }
        recent.append((time, value))
        if let first = recent.first, time - first.time > Self.shortSeconds {
            recent.removeAll { $0.time < time - Self.shortSeconds }
        }
        if spaced.last.map({ time - $0.time >= Self.longSpacing }) ?? true {
            spaced.append((time, value))
            if let first = spaced.first, time - first.time > Self.longSeconds {
                spaced.removeAll { $0.time < time - Self.longSeconds }
            }
        }
    }

    /// Forgets the history (a restart: memory starts over).
    mutating func reset() {
        recent.removeAll()
        spaced.removeAll()
    }

    /// Seconds from `time` until the figure reaches `ceiling` at its trend (0 when it is there);
    /// `nil` when it does not grow. `noise` is the change below which a half-minute is flat.
    func secondsUntil(_ ceiling: Double, at time: Double, noise: Double) -> Double? {
        guard let now = recent.last else { return nil }
        if now.value >= ceiling { return 0 }
        var answers: [Double] = []
        if let short = shortAnswer(ceiling, at: time, noise: noise) { answers.append(short) }
        if let long = longAnswer(ceiling, at: time) { answers.append(long) }
        guard let answer = answers.min(), answer <= Self.horizon else { return nil }
        return max(0, answer)
    }

    /// The two-minute parabola's answer, while growth is sustained.
    private func shortAnswer(_ ceiling: Double, at time: Double, noise: Double) -> Double? {
        guard let first = recent.first, time - first.time >= Self.shortSeconds * 0.75, recent.count >= 8 else {
            return nil
        }
        // Sustained: each quarter's mean above the previous one's by more than noise.
        let span = max((time - first.time) / 4, 1e-9)
        var sums = [0.0, 0.0, 0.0, 0.0]
        var counts = [0, 0, 0, 0]
        for point in recent {
            let quarter = min(3, Int((point.time - first.time) / span))
            sums[quarter] += point.value
            counts[quarter] += 1
        }
        guard !counts.contains(0) else { return nil }
        for index in 1..<4
        where sums[index] / Double(counts[index]) - sums[index - 1] / Double(counts[index - 1]) <= noise {
            return nil
        }
        guard let fit = Self.parabola(recent, at: time), fit.slope > 0 else { return nil }
        let level = recent.last?.value ?? fit.level
        return Self.solve(level: level, slope: fit.slope, acceleration: max(0, fit.acceleration), to: ceiling)
    }

    /// The 30-minute line's answer, once five minutes are there: from the line's own level
    /// or the last value, the higher (growth by steps sits above its last step between two).
    private func longAnswer(_ ceiling: Double, at time: Double) -> Double? {
        guard let first = spaced.first, time - first.time >= Self.longMinimum, spaced.count >= 10,
            let fit = Self.line(spaced, at: time), fit.slope > 0
        else { return nil }
        let level = max(recent.last?.value ?? fit.level, fit.level)
        return (ceiling - level) / fit.slope
    }

    /// Least squares of `v = a + b·τ` with τ the time before `time`: (a, b).
    static func line(_ points: [(time: Double, value: Double)], at time: Double) -> (level: Double, slope: Double)? {
        let n = Double(points.count)
        guard n >= 2 else { return nil }
        var (st, sv, stt, stv) = (0.0, 0.0, 0.0, 0.0)
        for point in points {
            let t = point.time - time
            st += t
            sv += point.value
            stt += t * t
            stv += t * point.value
        }
        let denominator = n * stt - st * st
        guard abs(denominator) > 1e-12 else { return nil }
        let slope = (n * stv - st * sv) / denominator
        return ((sv - slope * st) / n, slope)
    }

    /// Least squares of `v = a + b·τ + c·τ²`: the level, slope and acceleration (2c) at `time`;
    /// the acceleration is 0 unless it stands three standard errors clear of it (noise would
    /// otherwise bend a straight line upwards half the time, and the clamp to ≥ 0 make every
    /// answer early).
    static func parabola(
        _ points: [(time: Double, value: Double)], at time: Double
    ) -> (level: Double, slope: Double, acceleration: Double)? {
        guard points.count >= 3 else { return nil }
        // Normal equations in the sums of τ^k and v·τ^k (τ in minutes to keep them well scaled).
        var s = [Double](repeating: 0, count: 5)
        var r = [Double](repeating: 0, count: 3)
        for point in points {
            let t = (point.time - time) / 60
            var power = 1.0
            for k in 0..<5 {
                s[k] += power
                if k < 3 { r[k] += point.value * power }
                power *= t
            }
        }
        let matrix = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]]
        guard let solution = solve3(matrix, r), points.count > 3,
            let inverse = solve3(matrix, [0, 0, 1])
        else { return nil }
        var residuals = 0.0
        for point in points {
            let t = (point.time - time) / 60
            let error = point.value - (solution[0] + solution[1] * t + solution[2] * t * t)
            residuals += error * error
        }
        let standardError = (residuals / Double(points.count - 3) * max(0, inverse[2])).squareRoot()
        guard abs(solution[2]) > 3 * standardError else {
            return line(points, at: time).map { ($0.level, $0.slope, 0) }
        }
        return (solution[0], solution[1] / 60, 2 * solution[2] / 3600)
    }

    /// The smallest τ > 0 with `level + slope·τ + acceleration·τ²/2 = ceiling`.
    static func solve(level: Double, slope: Double, acceleration: Double, to ceiling: Double) -> Double? {
        let gap = ceiling - level
        guard gap > 0 else { return 0 }
        guard acceleration > 1e-12 else { return slope > 0 ? gap / slope : nil }
        let a = acceleration / 2
        let discriminant = slope * slope + 4 * a * gap
        return (-slope + discriminant.squareRoot()) / (2 * a)
    }

    /// Gaussian elimination with partial pivoting of a 3×3 system.
    private static func solve3(_ matrix: [[Double]], _ vector: [Double]) -> [Double]? {
        var a = matrix
        var b = vector
        for column in 0..<3 {
            guard let pivot = (column..<3).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }),
                abs(a[pivot][column]) > 1e-12
            else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in column + 1..<3 {
                let factor = a[row][column] / a[column][column]
                for k in column..<3 { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [0.0, 0.0, 0.0]
        for row in stride(from: 2, through: 0, by: -1) {
            var sum = b[row]
            for k in row + 1..<3 { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}
