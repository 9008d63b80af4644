import Alerts
import Engine
import Export
import Fleet
import Foundation
import Metrics
import RedisClient
import Telemetry

/// The headless loop shared by `watch` and `demo`: each node's samples, as they arrive, go
/// into the store and out as lines; the rules run on the nodes that reported; state changes
/// and topology changes go to stderr once each.
struct WatchLoop {
    let engine: MonitoringEngine
    let output: WatchOutputOptions
    /// Rules evaluated as samples arrive; their events are printed (JSON/logfmt on stdout, table on stderr).
    var rules: [AlertRule] = []
    /// Print alert events only, no metric lines.
    var alertsOnly = false
    /// Where alerts are also pushed, if anywhere.
    var alertmanager: AlertmanagerSink?
    /// Where one CSV row per sample is appended, if anywhere.
    var csv: CSVAppender?

    /// Runs until `output.count` lines per node were printed (forever without a count) or the
    /// task is cancelled. The caller stops the engine.
    func run() async throws {
        // Headless, history is for the rules: their longest window and a minute more (not the
        // dashboard's hour of graphs), so that many nodes stay cheap.
        let ticks = (rules.horizonSeconds + 60) / output.interval
        var state = engine.makeState(historyTicks: Int(min(3600, max(120, ticks))), rules: rules)
        let headerEvery = output.headerEvery ?? max(1, TerminalSize.rows(default: 24) - 2)
        let many = engine.nodes.count > 1
        var formatter = WatchLineFormatter(
            format: output.format, headerEvery: headerEvery,
            nodeWidth: many ? min(24, engine.nodes.map(\.count).max() ?? 0) : nil)
        var reporters: [String: ConnectionStateReporter] = [:]
        var printed = 0
        for await batch in engine.events {
            let outcome = state.apply(batch, now: Date())
            for notice in outcome.notices { ConsoleOutput.error(notice) }
            for sample in outcome.samples {
                for message in reporters[sample.node, default: ConnectionStateReporter()].messages(for: sample) {
                    ConsoleOutput.error(message)
                }
                guard let node = state.store[sample.node] else { continue }
                if alertsOnly {
                    printed += 1
                } else {
                    let lines = formatter.lines(for: node)
                    for line in lines { ConsoleOutput.line(line) }
                    // Table mode prints nothing for a failed tick; it does not count as a line.
                    if !lines.isEmpty { printed += 1 }
                }
                if let csv, let time = node.times.last {
                    let cells = MetricsCSV.cells(
                        node: sample.node, time: time, values: node.latestValues,
                        columns: MetricsCSV.header.dropFirst(3))
                    do {
                        try csv.append(try CSVTable.line(cells))
                    } catch let error as SnapshotError {
                        throw CLIFailure(error.description)
                    }
                }
            }
            if let newest = outcome.newestSampleTime {
                let events = outcome.alertEvents
                for event in events {
                    let line = AlertEventFormatter.line(event, format: output.format)
                    if output.format == .table { ConsoleOutput.error(line) } else { ConsoleOutput.line(line) }
                }
                if let alertmanager,
                    let message = await alertmanager.deliver(
                        events: events, firing: state.ruleEngine.firing, now: newest)
                {
                    ConsoleOutput.error(message)
                }
            }
            if let count = output.count, printed >= count * max(1, engine.nodes.count) { return }
        }
        try Task.checkCancellation()
    }
}
