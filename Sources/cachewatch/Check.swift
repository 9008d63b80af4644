import Alerts
import ArgumentParser
import Engine
import Export
import Fleet
import Foundation
import Metrics
import RedisClient
import Telemetry

/// `cachewatch check`: a monitoring-plugin check — poll for a short window, evaluate the rules'
/// conditions (not their `for`: the calling system owns the hold-down), print one line with
/// perfdata, exit 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the server once against the rules, like a Nagios plugin (exit 0/1/2/3).",
        discussion: """
            Polls for --duration (3 s) so that rates exist, then evaluates every rule's condition at \
            the last poll, ignoring 'for' (the calling monitoring system owns the hold-down). It \
            reads what watch reads: keys sampled meanwhile, keyspace events where the server \
            publishes them and key lives feed the keyspace rules. Exit \
            codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreachable or no data).
            """,
        helpNames: [.long]
    )

    @OptionGroup(title: "Check") var check: CheckOptions

    /// The window, in seconds.
    var window: Double { check.duration.seconds }

    /// The output format.
    var format: CheckFormat { check.format }

    @OptionGroup(title: "Alert rules") var alerting: AlertOptions

    @OptionGroup(title: "What is read: key sampling, keyspace events, key lives") var sources: SourceOptions

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @OptionGroup(title: "Several nodes: targets, Cluster, Sentinel") var targets: TargetOptions

    func validate() throws {
        guard window >= 0.2, window.isFinite else { throw ValidationError("--duration must be at least 0.2 seconds") }
    }

    func run() async throws {
        let targets = try targets.targets(connection: connection)
        let rules = try alerting.load()
        let polls = 3
        let store: NodeTable<NodeState>
        do {
            store = try await EngineSession.run(
                targets: targets,
                configuration: EngineSession.configuration(
                    connection: connection, targets: self.targets, sources: sources,
                    interval: window / Double(polls - 1), window: true)
            ) { engine in
                var state = engine.makeState()
                // Every node polled three times (or the window and a timeout passed): rates exist.
                let window = EngineWindow(seconds: window, enoughPolls: polls, grace: connection.commandTimeout + 1)
                await window.run(on: engine, state: &state)
                return state.store
            }
        } catch let failure as CLIFailure {
            let report = CheckReport.unknown(failure.message)
            try ConsoleOutput.line(format == .json ? report.json : report.line)
            throw ExitCode(3)
        }
        let report = CheckReport(store: store, rules: rules.rules, inhibitions: rules.inhibitions)
        try ConsoleOutput.line(format == .json ? report.json : report.line)
        if report.status != .ok { throw ExitCode(report.status.exitCode) }
    }
}

/// The output formats of `cachewatch check`.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `check`'s own options: how long it polls, how it prints.
struct CheckOptions: ParsableArguments {
    @Option(
        name: [.customLong("duration"), .customLong("window")],
        help: "How long to poll before evaluating (at least two polls): seconds, or with a unit: 3, 10s, 1m.")
    var duration = RecordDuration(seconds: 3)

    @Option(
        name: .long,
        help:
            "Output: text (one Nagios line with perfdata) or json (one object: status, exit_code, summary, problems, alerts with their description and runbook, figures, nodes). The exit code is the same."
    )
    var format: CheckFormat = .text

}
