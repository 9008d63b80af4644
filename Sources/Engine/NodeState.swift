import Foundation
import Metrics
import Telemetry

/// Everything the engine knows of one node, in one value: its series (read by the rules and the
/// exposition through the engine's ``NodeTable``), its key sampling, its keyspace-event
/// subscription, how its namespaces' keys end, its newest profile. A node that leaves drops it
/// whole.
public struct NodeState: NodeRecord {
    /// Its series.
    public var metrics: NodeMetrics
    /// Key sampling, once keys arrived (`nil`: not sampled, or let go when demoted).
    var feed: KeyspaceFeed?
    /// What key sampling says of its keyspace, as of the last figures taken (once a second) or
    /// restored from a recording; `nil`: not sampled.
    public internal(set) var keyspace: KeyspaceFigures?
    /// Where its keyspace-event subscription stands (`nil`: events not asked for).
    public internal(set) var keyEvents: KeyEventSubscriber.State?
    /// The recent evictions + misses of each namespace (the dashboard's trend).
    public internal(set) var eventTrend = NamespaceEventTrend()
    /// How its namespaces are invalidated (key lives), once any end was seen.
    public internal(set) var invalidation: NamespaceInvalidation?
    /// How its keys end as recorded (a replay); live, ``keyEnds`` reads ``invalidation``.
    var recordedKeyEnds: KeyEndsSummary?
    /// Its newest profile (`nil`: never profiled).
    public internal(set) var profile: ProfileReport?
    /// Per namespace, the end of the newest interval in which keyspace events showed it
    /// evicting (tells an eviction from a deletion among keys removed early).
    var lastEvictions: [String: Date] = [:]
    /// The recent per-namespace events that tell which namespaces stampede.
    var stampede = NamespaceStampede()
    /// How likely each namespace's keys are to be evicted, from sampled idle times or frequencies.
    var propensity = EvictionPropensity()
    /// Its keyspace read whole from an RDB file, shown instead of key sampling's estimates.
    public internal(set) var dump: KeyspaceDump?

    /// A node nothing is known of yet but its (empty) series.
    public init(metrics: NodeMetrics) {
        self.metrics = metrics
    }

    /// The node, as printed.
    public var node: String { metrics.node }

    /// How its namespaces' keys end, as the keyspace view's panel shows it: from the live
    /// tracking, or as recorded.
    public var keyEnds: KeyEndsSummary? { recordedKeyEnds ?? invalidation.map(KeyEndsSummary.init) }

    /// What key sampling found, if the node is sampled (its dump's keys where one is given).
    public var sampling: KeyspaceSampling? { dump?.sampling ?? feed?.sampling }

    /// Takes the dump's figures at `now` if they are due (or `force`d): into ``keyspace`` and the
    /// series the rules read.
    mutating func refreshDump(now: Date, force: Bool = false) {
        guard var current = dump else { return }
        let due = current.figuresTakenAt.map { now.timeIntervalSince($0) >= KeyspaceDump.refreshInterval || $0 > now }
        guard force || (due ?? true) else { return }
        let figures = KeyspaceFigures(current.sampling, now: now)
        keyspace = figures
        metrics.record(figures)
        current.figuresTakenAt = now
        dump = current
    }

    /// Adds a batch of keys sampled in `database`; returns the sampler's refusals not told before.
    mutating func add(_ batch: KeyspaceFeed.Batch, database: Int, now: Date) -> [String] {
        // Taken out while it changes: a copy left here would make the change copy the whole key
        // sample (copy-on-write) on every batch.
        var current = feed ?? KeyspaceFeed(node: node, database: database)
        feed = nil
        defer {
            feed = current
            if dump == nil { keyspace = current.figures }
        }
        return current.add([batch], to: &metrics, now: now)
    }
}
