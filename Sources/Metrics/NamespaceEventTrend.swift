import Foundation
import Telemetry

/// The recent evictions + misses per second of each namespace of a node, one point per tally
/// (the dashboard's trend column): the namespaces in trouble now, and since when. Bounded: at
/// most ``points`` per namespace, and a namespace with no such event in the whole window is
/// dropped.
public struct NamespaceEventTrend: Sendable {
    /// The points kept per namespace.
    public static let points = 30

    /// Per namespace, its points, oldest first (each series has the same length).
    public internal(set) var series: [String: [Double]] = [:]

    /// Creates an empty trend.
    public init() {}

    /// Adds an interval's tally (an incomplete one is a point of no value: 0, shown as a dip).
    public mutating func add(_ tally: KeyEventCounter.Tally) {
        add(
            evicted: tally.ratesPerSecond(.evicted), misses: tally.ratesPerSecond(.keymiss),
            isComplete: tally.isComplete)
    }

    /// Adds an interval's rates per namespace (a replay: as its tick recorded them).
    public mutating func add(evicted: [String: Double], misses: [String: Double], isComplete: Bool) {
        let length = (series.first?.value.count ?? 0) + 1
        for name in Set(evicted.keys).union(misses.keys) where series[name] == nil {
            series[name] = Array(repeating: 0, count: length - 1)
        }
        for (name, points) in series {
            var points = points
            points.append(isComplete ? (evicted[name] ?? 0) + (misses[name] ?? 0) : 0)
            if points.count > Self.points { points.removeFirst(points.count - Self.points) }
            series[name] = points.contains { $0 > 0 } ? points : nil
        }
    }
}
