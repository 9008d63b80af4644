import Foundation
import Telemetry

/// Which namespaces of a node are stampeding now, from its keyspace events: a namespace whose
/// misses this interval are at least ``spikeFactor`` times their rate over the previous
/// ``windowSeconds`` (and at least ``minimumMissesPerSecond``), while its keys expired within
/// that window — the herd missing what just expired. Bounded: the window holds at most
/// ``maximumIntervals`` tallies of at most the counter's namespace cap each.
public struct NamespaceStampede: Sendable {
    /// How much the misses must rise over their recent rate.
    public static let spikeFactor = 4.0
    /// The recent past the misses are compared with, and in which the keys must have expired.
    public static let windowSeconds = 10.0
    /// Below this many misses per second, no namespace is called stampeding.
    public static let minimumMissesPerSecond = 5.0
    /// The most tallies kept.
    public static let maximumIntervals = 60

    private struct Interval {
        var seconds: Double
        var until: Date
        var counts: [String: [KeyEventKind: Int]]
    }

    private var intervals: [Interval] = []

    /// Creates an empty history.
    public init() {}

    /// Adds an interval's tally (an incomplete one starts the history again: a gap is no
    /// baseline) and returns the stampeding namespaces with their misses per second now.
    public mutating func add(_ tally: KeyEventCounter.Tally) -> [String: Double] {
        guard tally.isComplete else {
            intervals = []
            return [:]
        }
        let seconds = max(tally.until.timeIntervalSince(tally.since), 0.001)
        let recent = intervals.filter { tally.until.timeIntervalSince($0.until) <= Self.windowSeconds }
        intervals = recent + [Interval(seconds: seconds, until: tally.until, counts: tally.counts)]
        if intervals.count > Self.maximumIntervals { intervals.removeFirst(intervals.count - Self.maximumIntervals) }
        let pastSeconds = recent.reduce(0) { $0 + $1.seconds }
        guard pastSeconds > 0 else { return [:] }
        var stampeding: [String: Double] = [:]
        for (namespace, kinds) in tally.counts {
            let missesNow = Double(kinds[.keymiss] ?? 0) / seconds
            guard missesNow >= Self.minimumMissesPerSecond else { continue }
            let pastMisses = recent.reduce(0) { $0 + ($1.counts[namespace]?[.keymiss] ?? 0) }
            let expired = recent.reduce(kinds[.expired] ?? 0) { $0 + ($1.counts[namespace]?[.expired] ?? 0) }
            if expired > 0 && missesNow >= Self.spikeFactor * Double(pastMisses) / pastSeconds {
                stampeding[namespace] = missesNow
            }
        }
        return stampeding
    }
}
