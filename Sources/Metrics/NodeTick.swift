import Foundation
import Telemetry

/// One node's tick as a recording keeps it and a replay restores it (``NodeMetrics/tick(at:)``,
/// ``NodeMetrics/restore(_:)``): the values the tick appended to the series, the labelled
/// metrics as they stood, and what the poll read that the views show (its INFO, its new slow-log
/// entries, the parts refused, or its failure).
public struct NodeTick: Sendable, Equatable {
    /// When the poll was made (seconds since 1970).
    public var time: Double
    /// The poll's failure; `nil` for a reading.
    public var failure: PollFailure?
    /// The values the tick appended, by series (absent: a gap).
    public var values: [SeriesKey: Double]
    /// Every labelled metric reported at the tick, with its values by label (namespace, slot,
    /// replica); a metric left out is not reported.
    public var instances: [Metric: [String: Double]]
    /// The raw INFO the poll read, by section; `nil` when it read none (a failure, a refusal).
    public var info: [String: [String: String]]?
    /// The parts of the poll the server refused, with the reason shown.
    public var unavailable: [PollPart: String]
    /// Slow-log entries new at this tick, oldest first.
    public var slowlog: [SlowlogEntry]
    /// `COMMANDLOG` entries new at this tick (Valkey 8.1+), oldest first.
    public var commandLog: [CommandLogEntry] = []
    /// The hottest hash slots after this tick's page of `CLUSTER SLOT-STATS`, with the
    /// namespaces living in them; `nil` when the poll read no page.
    public var hotSlots: SlotActivity.Ranking?
    /// The namespaces of the hot slots looked up, with their key counts, by slot.
    public var slotNamespaces: [Int: [String: Int]] = [:]

    /// Creates a tick.
    public init(
        time: Double, failure: PollFailure? = nil, values: [SeriesKey: Double] = [:],
        instances: [Metric: [String: Double]] = [:], info: [String: [String: String]]? = nil,
        unavailable: [PollPart: String] = [:], slowlog: [SlowlogEntry] = []
    ) {
        self.time = time
        self.failure = failure
        self.values = values
        self.instances = instances
        self.info = info
        self.unavailable = unavailable
        self.slowlog = slowlog
    }
}
