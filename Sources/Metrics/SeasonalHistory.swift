import Foundation

/// Where a traffic surge is measured against the same time on an earlier day: the usual rates of
/// a node at a moment, as history recorded them (``UsualRates``). A recording (`--record`) is
/// one; the engine asks at every poll, so an implementation answers from memory and loads in
/// the background.
public protocol SeasonalHistory: Sendable {
    /// The usual rates of `node` at `time` (seconds since 1970) — the same time a week or a day
    /// before — or `nil` where history has nothing there (yet).
    func usualRates(of node: String, at time: Double) -> UsualRates?
}

/// How far back the usual level of a surge ratio was read.
public enum SurgeReference: String, Sendable, Hashable, CaseIterable {
    /// The trailing half hour (surges left out): no history at this time of day.
    case trailing = "last 30 min"
    /// The same time a day before, from history.
    case dayAgo = "a day ago"
    /// The same time a week before, from history.
    case weekAgo = "a week ago"
    /// The traffic of the last 15 minutes: a surge that lasted became the usual level.
    case adopted = "since 15 min"

    /// How long before the moment the reference lies, for the periods history is read at.
    public var period: TimeInterval? {
        switch self {
        case .dayAgo: 86_400
        case .weekAgo: 7 * 86_400
        case .trailing, .adopted: nil
        }
    }
}

/// The usual rates of a node at one time of day, from history: what the surge ratios compare
/// with. A rate is `nil` where history did not carry it.
public struct UsualRates: Sendable, Hashable {
    /// Commands per second.
    public var opsPerSec: Double?
    /// Network bytes per second, in and out.
    public var netBytesPerSec: Double?
    /// New connections per second.
    public var connectionsPerSec: Double?
    /// Keyspace misses per second.
    public var missesPerSec: Double?
    /// Which earlier time they come from.
    public var reference: SurgeReference

    /// Creates usual rates read at `reference`.
    public init(
        opsPerSec: Double?, netBytesPerSec: Double?, connectionsPerSec: Double?, missesPerSec: Double?,
        reference: SurgeReference
    ) {
        self.opsPerSec = opsPerSec
        self.netBytesPerSec = netBytesPerSec
        self.connectionsPerSec = connectionsPerSec
        self.missesPerSec = missesPerSec
        self.reference = reference
    }

    /// The usual level of the rate behind `ratio` (``Metric/opsSurgeRatio``…), if known.
    public func level(for ratio: Metric) -> Double? {
        switch ratio {
        case .opsSurgeRatio: opsPerSec
        case .netSurgeRatio: netBytesPerSec
        case .connectionsSurgeRatio: connectionsPerSec
        case .missesSurgeRatio: missesPerSec
        default: nil
        }
    }
}
