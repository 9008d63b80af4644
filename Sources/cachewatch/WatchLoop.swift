import Alerts
import Export
import Foundation
import Metrics
import RedisClient
import Telemetry

/// The headless loop shared by `watch` and `demo`: poll, store, print a line, sleep to the
/// next tick; state changes go to stderr once each.
struct WatchLoop {
    let poller: Poller
    let output: WatchOutputOptions
    /// Rules evaluated after every poll; their events are printed (JSON/logfmt on stdout, table on stderr).
    var rules: [AlertRule] = []
    /// Print alert events only, no metric lines.
    var alertsOnly = false
    /// Where alerts are also pushed, if anywhere.
    var alertmanager: AlertmanagerSink?
    /// Key sampling on its own connection, for the keyspace rules; `nil`: off.
    var sampler: KeySampler?
    /// The database sampled.
    var database = 0
    /// Where one CSV row per tick is appended, if anywhere.
    var csv: CSVAppender?

    /// Runs until `output.count` lines were printed (forever without a count).
    ///
    /// - Parameter first: a poll already made (to check the server before starting), if any.
    func run(startingWith first: Sample? = nil) async throws {
        var store = MetricStore()
        let headerEvery = output.headerEvery ?? max(1, TerminalSize.rows(default: 24) - 2)
        var formatter = WatchLineFormatter(format: output.format, headerEvery: headerEvery)
        var reporter = ConnectionStateReporter()
        var engine = RuleEngine(rules: rules)
        var feed = KeyspaceFeed(node: poller.node, database: database)
        let inbox = SampleInbox()
        let sampling = inbox.collect(from: sampler)
        defer { sampling.cancel() }
        let period = Duration.milliseconds(Int64(output.interval * 1000))
        let clock = ContinuousClock()
        var next = clock.now
        var sample: Sample
        if let first { sample = first } else { sample = await poller.poll() }
        var printed = 0
        while true {
            store.ingest(sample)
            for message in reporter.messages(for: sample) { ConsoleOutput.error(message) }
            if let node = store[sample.node], !alertsOnly {
                let lines = formatter.lines(for: node)
                for line in lines { ConsoleOutput.line(line) }
                // Table mode prints nothing for a failed tick; it does not count as a line.
                if !lines.isEmpty { printed += 1 }
            } else if alertsOnly {
                printed += 1
            }
            if let csv, let node = store[sample.node], let time = node.times.last {
                let cells = MetricsCSV.cells(
                    node: sample.node, time: time, values: node.latestValues, columns: MetricsCSV.header.dropFirst(3))
                do {
                    try csv.append(try CSVTable.line(cells))
                } catch let error as SnapshotError {
                    throw CLIFailure(error.description)
                }
            }
            for reason in feed.add(inbox.drain().keys, to: &store, now: sample.time) {
                ConsoleOutput.error("key sampling: \(reason)")
            }
            let events = engine.eval(now: sample.time, store: store)
            for event in events {
                let line = AlertEventFormatter.line(event, format: output.format)
                if output.format == .table { ConsoleOutput.error(line) } else { ConsoleOutput.line(line) }
            }
            if let alertmanager,
                let message = await alertmanager.deliver(events: events, firing: engine.firing, now: sample.time)
            {
                ConsoleOutput.error(message)
            }
            if let count = output.count, printed >= count { return }
            next += period
            let now = clock.now
            while next <= now { next += period }
            try await clock.sleep(until: next)
            sample = await poller.poll()
        }
    }
}
