import Foundation

/// How fast each namespace's estimated memory grows (`namespace_growth_bytes_per_sec`): a point
/// every 10 s of the keyspace figures, the slope of a least-squares line over the last 10
/// minutes. Nothing until the sample has made a whole pass (before, its estimates move as it
/// learns, not as the keyspace does) and two minutes of points are there. Bounded: a namespace
/// leaves with its last point, and the namespaces followed are those the figures hold.
public struct NamespaceGrowth: Sendable {
    /// Seconds between points.
    static let spacing = 10.0
    /// Seconds of points the slope is fitted over.
    static let window = 600.0
    /// Seconds of points a slope needs.
    static let minimum = 120.0

    private var points: [String: [(time: Double, value: Double)]] = [:]
    private var lastPoint: Double?

    /// An empty history.
    public init() {}

    /// Takes `figures` in (a point every 10 s); returns the growth of each namespace in bytes
    /// per second, or `nil` when there is no slope to tell yet.
    public mutating func update(_ figures: KeyspaceFigures) -> [String: Double]? {
        let time = figures.takenAt.timeIntervalSince1970
        guard figures.passes >= 1 else { return nil }
        if lastPoint.map({ time - $0 >= Self.spacing || time < $0 }) ?? true {
            lastPoint = time
            var next: [String: [(time: Double, value: Double)]] = [:]
            for (name, namespace) in figures.namespaces {
                var series = points[name] ?? []
                series.append((time, namespace.estimatedMemory))
                series.removeAll { $0.time < time - Self.window }
                next[name] = series
            }
            points = next
        }
        var growth: [String: Double] = [:]
        for (name, series) in points {
            guard let first = series.first, time - first.time >= Self.minimum,
                let fit = GrowthForecast.line(series, at: time)
            else { continue }
            growth[name] = fit.slope
        }
        return growth.isEmpty ? nil : growth
    }
}
