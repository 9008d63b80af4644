import ArgumentParser
import Export
import Fleet
import Foundation
import MetricsEndpoint
import Recording
import RedisClient
import Telemetry

/// `cachewatch watch`: one line per tick, vmstat style, or JSON lines / logfmt for machines.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one line of metrics per poll (vmstat style), or JSON lines / logfmt.",
        discussion: """
            Each tick polls INFO, SLOWLOG and PING in one pipelined round trip. The interval hit \
            ratio is Δhits / (Δhits + Δmisses) since the previous poll; it is absent ('-' or null) \
            when there were no lookups. Rates leave out cachewatch's own commands. State changes \
            (connection lost, back, a command denied) are printed once, on stderr. Keys are sampled \
            (SCAN, TYPE, PTTL, MEMORY USAGE; never values) for the keyspace rules unless --no-sampling.
            """,
        helpNames: [.long]
    )

    @OptionGroup(title: "Output") var output: WatchOutputOptions

    @OptionGroup(title: "Alert rules") var alerting: AlertOptions

    @OptionGroup(title: "What is read: key sampling, keyspace events, key lives") var sources: SourceOptions

    @Flag(name: .customLong("alerts-only"), help: "Print alert events only, no metric lines.")
    var alertsOnly = false

    @OptionGroup(title: "Alertmanager") var alertmanager: AlertmanagerOptions

    @Option(
        name: .long,
        help:
            "Also append one CSV row per poll to this file (header written once; a file with other columns is refused)."
    )
    var csv: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://ADDR:PORT/metrics (and /-/healthy, /-/ready): every metric as cachewatch_<name> with node and namespace/replica/slot labels, the server's counters, the rules' alerts as cachewatch_alerts. ':9180' listens on every address.",
            valueName: "ADDR:PORT"))
    var listen: ListenAddress?

    @OptionGroup(title: "Prometheus endpoint") var endpoint: MetricsEndpointOptions

    @OptionGroup(title: "Recording") var recording: RecordOptions

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @OptionGroup(title: "Several nodes: targets, Cluster, Sentinel") var targets: TargetOptions

    @Flag(name: .long, help: "Keep retrying when the server cannot be reached at start-up instead of exiting.")
    var wait = false

    func run() async throws {
        let targets = try targets.targets(connection: connection)
        connection.warnAboutPasswordInArguments(urls: self.targets.urls, also: self.targets.sentinelPassword != nil)
        let rules = try alerting.load()
        // Opened before connecting: a path that cannot be written is an error at once.
        var appender: CSVAppender?
        if let csv {
            do {
                appender = try CSVAppender(path: csv, header: MetricsCSV.header)
            } catch {
                throw CLIFailure(error.description)
            }
            if let repaired = appender?.repairedBytes, repaired > 0 {
                ConsoleOutput.error(
                    "warning: '\(csv)' ended with a row written in part (\(repaired) bytes, a run cut short or a full disk); it was cut off"
                )
            }
        }
        let sink = alertmanager.sink(targets: targets)
        // Bound before connecting: an address in use is an error at once.
        let latest = LatestExposition()
        var server: MetricsServer?
        if let listen { server = try await endpoint.serve(on: listen, latest: latest, nodes: targets.count) }
        var publish: (@Sendable (PrometheusExposition) -> Void)?
        if server != nil { publish = { @Sendable exposition in latest.publish(exposition) } }
        let recorder = try recording.recorder(
            command: "watch", endpoints: targets.map(\.name), interval: output.interval)
        defer { recorder?.close() }
        // A first poll of each node tells a typo (wrong port, wrong password) from a server that
        // goes away later.
        // A signal exits at once, after putting back what --enable-events changed.
        SignalTrap.install(exitImmediately: true)
        try await EngineSession.run(
            targets: targets,
            configuration: EngineSession.configuration(
                connection: connection, targets: self.targets, sources: sources, interval: output.interval),
            wait: wait, seasonalHistory: recording.seasons
        ) { engine in
            try await output.loop(
                on: engine, rules: rules, alertsOnly: alertsOnly, alertmanager: sink, csv: appender,
                exposition: publish, namespaceLimit: endpoint.namespaceLimit,
                onStep: recorder.map { recorder in { recorder.record($0, state: $1) } })
        }
        await server?.close()
    }

    func validate() throws {
        if endpoint.webConfig != nil && listen == nil { throw ValidationError("--web-config goes with --listen") }
    }
}
