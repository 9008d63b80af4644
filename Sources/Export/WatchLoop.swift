import Alerts
import Engine
import Foundation
import Metrics
import Telemetry

/// The headless consumer of the engine shared by `watch` and `demo`: each node's samples, as
/// they arrive, go out as lines; the rules' events as lines too (and to Alertmanager); state
/// changes and topology changes go to the error stream once each.
public struct WatchLoop {
    /// Where lines go: `standard` (metrics, JSON/logfmt alert events) and `errors` (notices,
    /// state changes, table-format alert events). Each is one line without its newline.
    public struct Output: Sendable {
        /// The standard output; an error (the reader went away) ends the loop.
        public let standard: @Sendable (String) throws -> Void
        /// The error output.
        public let errors: @Sendable (String) -> Void

        /// Creates an output.
        public init(standard: @escaping @Sendable (String) throws -> Void, errors: @escaping @Sendable (String) -> Void)
        {
            self.standard = standard
            self.errors = errors
        }
    }

    /// The engine consumed.
    public let engine: MonitoringEngine
    /// The line format.
    public var format: LineFormat = .table
    /// The seconds between polls (history is sized by it).
    public var interval: Double = 1
    /// Whether each metric line is followed by the node's per-namespace figures
    /// (``NamespaceLineFormatter``; JSON and logfmt).
    public var namespaces = false
    /// Whether each metric line of a cluster node with slot stats is followed by its hottest
    /// slots (``SlotLineFormatter``; JSON and logfmt).
    public var slots = false
    /// Whether each node's server-measured hot keys follow its metric line when a poll read
    /// them (``HotKeyLineFormatter``; JSON and logfmt).
    public var hotKeys = false
    /// Stop after this many metric lines per node (`nil`: never).
    public var count: Int?
    /// Table rows between repeated headers.
    public var headerEvery = 22
    /// Rules evaluated as samples arrive; their events are printed (JSON/logfmt on the standard
    /// output, table on the error output).
    public var rules: [AlertRule] = []
    /// Which firing alerts explain which others: a symptom's event line names its cause.
    public var inhibitions: [Inhibition] = []
    /// Print alert events only, no metric lines.
    public var alertsOnly = false
    /// Where alerts are also pushed, if anywhere.
    public var alertmanager: AlertmanagerSink?
    /// Where one CSV row per sample is appended, if anywhere.
    public var csv: CSVAppender?
    /// Where lines go.
    public var output: Output
    /// Receives the Prometheus exposition of the newest state (`watch --listen`), at most once
    /// per interval: built only when someone serves it.
    public var exposition: (@Sendable (PrometheusExposition) -> Void)?
    /// The namespaces exposed per node in ``exposition`` (the biggest first).
    public var namespaceLimit = PrometheusExposition.defaultNamespaceLimit
    /// Called after each step of the engine with its outcome and the state it left (the
    /// recorder of `--record`).
    public var onStep: ((EngineOutcome, EngineState) -> Void)?

    /// Creates a loop printing to `output`.
    public init(engine: MonitoringEngine, output: Output) {
        self.engine = engine
        self.output = output
    }

    /// Runs until `count` lines per node were printed (forever without a count) or the task is
    /// cancelled. The caller stops the engine.
    ///
    /// - Throws: ``SnapshotError`` when the CSV file cannot be appended to;
    ///   `CancellationError` when cancelled.
    public func run() async throws {
        // Headless, history is for the rules: their longest window and a minute more (not the
        // dashboard's hour of graphs), so that many nodes stay cheap.
        let ticks = (rules.horizonSeconds + 60) / interval
        var state = engine.makeState(
            historyTicks: Int(min(3600, max(120, ticks))), rules: rules, inhibitions: inhibitions)
        let many = engine.nodes.count > 1
        var formatter = WatchLineFormatter(
            format: format, headerEvery: headerEvery,
            nodeWidth: many ? min(24, engine.nodes.map(\.count).max() ?? 0) : nil)
        var reporters: [String: ConnectionStateReporter] = [:]
        var printed = 0
        var exposedAt: Date?
        for await batch in engine.events {
            let outcome = state.apply(batch, now: engine.clock.now)
            onStep?(outcome, state)
            for notice in outcome.notices { output.errors(notice) }
            for sample in outcome.samples {
                for message in reporters[sample.node, default: ConnectionStateReporter()].messages(for: sample) {
                    output.errors(message)
                }
                guard let node = state.store[sample.node] else { continue }
                if alertsOnly {
                    printed += 1
                } else {
                    let lines = formatter.lines(for: node)
                    for line in lines { try output.standard(line) }
                    if namespaces {
                        for line in NamespaceLineFormatter.lines(for: node, format: format) {
                            try output.standard(line)
                        }
                    }
                    if slots {
                        for line in SlotLineFormatter.lines(for: node, format: format) { try output.standard(line) }
                    }
                    if hotKeys {
                        for line in HotKeyLineFormatter.lines(for: node, format: format) { try output.standard(line) }
                    }
                    // Table mode prints nothing for a failed tick; it does not count as a line.
                    if !lines.isEmpty { printed += 1 }
                }
                if let csv, let time = node.times.last {
                    let cells = MetricsCSV.cells(
                        node: sample.node, time: time, values: node.latestValues,
                        columns: MetricsCSV.perNodeColumns)
                    try csv.append(try CSVTable.line(cells))
                }
            }
            if let newest = outcome.newestSampleTime {
                let events = outcome.alertEvents
                for event in events {
                    let line = AlertEventFormatter.line(event, format: format)
                    if format == .table { output.errors(line) } else { try output.standard(line) }
                }
                if let alertmanager,
                    let message = await alertmanager.deliver(
                        events: events, firing: state.ruleEngine.firing, now: newest)
                {
                    output.errors(message)
                }
            }
            if let exposition,
                exposedAt.map({ engine.clock.now.timeIntervalSince($0) >= min(interval, 1) * 0.9 }) ?? true
            {
                exposedAt = engine.clock.now
                var (built, buildTime) = ThreadCPUClock.measure {
                    PrometheusExposition(
                        nodes: state.store.nodes,
                        alerts: state.ruleEngine.firing + state.ruleEngine.pending, namespaceLimit: namespaceLimit)
                }
                built.buildCPUTime = buildTime
                exposition(built)
            }
            if let count, printed >= count * max(1, engine.nodes.count) { return }
        }
        try Task.checkCancellation()
    }
}
