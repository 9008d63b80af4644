import Alerts
import Engine
import Foundation
import Metrics

/// What the dashboard shows of a recording at any moment: an engine state rebuilt from the
/// ticks before it (every node's series over ``historySeconds``, its labelled metrics, INFO and
/// slow log) and the alerts active then, with the events before it. Moving on is incremental;
/// a jump rebuilds from the keyframes before the new moment.
public final class ReplaySession {
    /// The recording.
    public let recording: Recording
    /// Its first and last tick.
    public let span: ClosedRange<Double>
    /// The seconds between polls when it was made.
    public let interval: Double
    /// How much history before the moment shown is loaded (the graphs' widest window).
    public let historySeconds: Double
    /// Every alert event recorded, oldest first (they are few).
    private let events: [AlertEvent]
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
        recording: Recording, historySeconds: Double = 900, rules: RuleSet = RuleSet(rules: [])
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
        state = Self.emptyState(interval: interval, historySeconds: historySeconds, rules: rules)
    }

    private static func emptyState(interval: Double, historySeconds: Double, rules: RuleSet) -> EngineState {
        EngineState(
            historyTicks: max(60, Int((historySeconds / max(interval, 0.05)).rounded(.up)) + 1), rules: rules.rules,
            inhibitions: rules.inhibitions)
    }

    /// The engine state at `time` (within the span): rebuilt after a jump, moved on tick by tick
    /// otherwise.
    public func state(at time: Double) throws(RecordingError) -> EngineState {
        if let loaded = loadedUntil, time >= loaded, time - loaded <= historySeconds {
            if time > loaded {
                // Ticks after the newest loaded one (the store never goes back in time).
                for entry in try recording.ticks(from: loaded, to: time) { take(entry) }
            }
        } else {
            state = Self.emptyState(interval: interval, historySeconds: historySeconds, rules: rules)
            restored = [:]
            for entry in try recording.ticks(from: time, to: time, warmUp: historySeconds) { take(entry) }
        }
        loadedUntil = time
        let (active, recent) = Self.alerts(events, at: time)
        state.restoreAlerts(active: active, recent: recent)
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

    /// The time of the first tick after `time` (`nil` at the end).
    public func tick(after time: Double) throws(RecordingError) -> Double? {
        try recording.tickTime(after: time)
    }

    /// The time of the last tick before `time` (`nil` at the start).
    public func tick(before time: Double) throws(RecordingError) -> Double? {
        try recording.tickTime(before: time)
    }
}
