import Alerts
import Engine
import Foundation
import Metrics

/// What the dashboard shows of a recording at any moment: an engine state rebuilt from the
/// ticks before it (every node's series over the graphs' window, its labelled metrics, INFO and
/// slow log), each node's keyspace figures as last recorded, and the alerts active then, with
/// the events before it. Moving on is incremental;
/// a jump, or a wider window, rebuilds from the keyframes before the new moment.
public final class ReplaySession {
    /// The recording.
    public let recording: Recording
    /// Its first and last tick.
    public let span: ClosedRange<Double>
    /// The seconds between polls when it was made.
    public let interval: Double
    /// How much history before the moment shown is loaded when none is asked for.
    public let historySeconds: Double
    /// The history loaded into ``state``.
    private var loadedHistory: Double = 0
    /// Every alert event recorded, oldest first (they are few).
    private let events: [AlertEvent]
    /// When alerts became pending and stopped being pending, oldest first.
    private let pendingChanges: [(time: Date, isPending: Bool, alert: Alert)]
    /// The rules' state is not recorded: alerts are restored, never evaluated.
    private let rules: RuleSet
    private var state: EngineState
    /// The newest moment loaded into ``state``.
    private var loadedUntil: Double?
    /// Each node's newest tick restored (a tick is never taken twice).
    private var restored: [String: Double] = [:]

    /// Opens a session on `recording`.
    ///
    /// - Throws: ``RecordingError`` when it cannot be read, or holds no tick.
    public init(
        recording: Recording, historySeconds: Double = 300, rules: RuleSet = RuleSet(rules: [])
    )
        throws(RecordingError)
    {
        self.recording = recording
        guard let span = try recording.span() else {
            throw RecordingError("\(recording.directory): nothing recorded yet")
        }
        self.span = span
        self.historySeconds = historySeconds
        self.rules = rules
        interval = recording.metadata["interval_seconds"].flatMap(Double.init) ?? 1
        events = try recording.alertEvents()
        pendingChanges = try recording.pendingChanges()
        state = Self.emptyState(interval: interval, historySeconds: historySeconds, rules: rules)
    }

    private static func emptyState(interval: Double, historySeconds: Double, rules: RuleSet) -> EngineState {
        EngineState(
            historyTicks: max(60, Int((historySeconds / max(interval, 0.05)).rounded(.up)) + 1), rules: rules.rules,
            inhibitions: rules.inhibitions)
    }

    /// The engine state at `time` (within the span) with `history` seconds of series before it
    /// (``historySeconds`` by default): rebuilt after a jump back or far on, or for more
    /// history than loaded; moved on tick by tick otherwise.
    public func state(at time: Double, history: Double? = nil) throws(RecordingError) -> EngineState {
        let historySeconds = history ?? self.historySeconds
        if let loaded = loadedUntil, time >= loaded, time - loaded <= historySeconds,
            historySeconds <= loadedHistory
        {
            if time > loaded {
                // Ticks after the newest loaded one (the store never goes back in time).
                for entry in try recording.ticks(from: loaded, to: time) { take(entry) }
            }
        } else {
            state = Self.emptyState(interval: interval, historySeconds: historySeconds, rules: rules)
            loadedHistory = historySeconds
            restored = [:]
            // Older than 30 s, series values alone (the per-second figures of the commands view
            // need the two newest commandstats, read every 10th poll).
            let ticks = try recording.ticks(
                from: time, to: time, warmUp: historySeconds, wholeFrom: time - 30 * max(1, interval))
            // Only each node's newest labelled metrics are shown, and its newest INFO (with the one
            // before, and the newest two with commandstats, for per-second figures): older ticks
            // give their series values alone.
            var keep = Set<Int>()
            var seen: [String: (ticks: Int, info: Int, stats: Int)] = [:]
            for (index, entry) in ticks.enumerated().reversed() {
                var count = seen[entry.node] ?? (0, 0, 0)
                if count.ticks < 1 { keep.insert(index) }
                count.ticks += 1
                if entry.tick.info != nil, count.info < 2 {
                    keep.insert(index)
                    count.info += 1
                }
                if entry.tick.info?["commandstats"] != nil, count.stats < 2 {
                    keep.insert(index)
                    count.stats += 1
                }
                seen[entry.node] = count
            }
            // The newest ticks keep their labelled metrics as well: the namespaces' event trend
            // is one point per tick (``NamespaceEventTrend/points``).
            var trend = Set<Int>()
            var trendTicks: [String: Int] = [:]
            for (index, entry) in ticks.enumerated().reversed()
            where trendTicks[entry.node, default: 0] < NamespaceEventTrend.points {
                trend.insert(index)
                trendTicks[entry.node, default: 0] += 1
            }
            for (index, var entry) in ticks.enumerated() {
                if !keep.contains(index) {
                    entry.tick.info = nil
                    if !trend.contains(index) { entry.tick.instances = [:] }
                }
                take(entry)
            }
        }
        loadedUntil = time
        // Each node's keyspace as last recorded before the moment.
        for node in state.store.nodeNames {
            let keyspace = try recording.keyspace(of: node, at: time)
            state.restore(keyspace?.figures, keyEnds: keyspace?.keyEnds, profile: keyspace?.profile, node: node)
        }
        let (active, recent) = Self.alerts(events, at: time)
        state.restoreAlerts(active: active + Self.pending(pendingChanges, at: time), recent: recent)
        return state
    }

    private func take(_ entry: Recording.Tick) {
        guard entry.tick.time > restored[entry.node] ?? -.infinity else { return }
        restored[entry.node] = entry.tick.time
        state.restore(entry.tick, node: entry.node)
    }

    /// The alerts firing at `time` (the last event of each was a firing) and the events up to it.
    static func alerts(_ events: [AlertEvent], at time: Double) -> (active: [Alert], recent: [AlertEvent]) {
        let upTo = events.prefix { $0.time.timeIntervalSince1970 <= time }
        var active: [String: Alert] = [:]
        for event in upTo {
            switch event.kind {
            case .firing: active[event.alert.identity] = event.alert
            case .resolved: active[event.alert.identity] = nil
            }
        }
        return (Array(active.values), Array(upTo))
    }

    /// The alerts pending at `time`: the last change of each before it made it pending.
    static func pending(_ changes: [(time: Date, isPending: Bool, alert: Alert)], at time: Double) -> [Alert] {
        var pending: [String: Alert] = [:]
        for change in changes.prefix(while: { $0.time.timeIntervalSince1970 <= time }) {
            pending[change.alert.identity] = change.isPending ? change.alert : nil
        }
        return Array(pending.values)
    }

    /// The time of the first tick after `time` (`nil` at the end).
    public func tick(after time: Double) throws(RecordingError) -> Double? {
        try recording.tickTime(after: time)
    }

    /// The time of the last tick before `time` (`nil` at the start).
    public func tick(before time: Double) throws(RecordingError) -> Double? {
        try recording.tickTime(before: time)
    }
}
