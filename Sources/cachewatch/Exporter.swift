import ArgumentParser
import Export
import MetricsEndpoint
import Recording

/// `cachewatch exporter`: `watch --listen` as a service — the Prometheus endpoint without metric
/// lines, every node retried from the start (an unreachable one is `cachewatch_up 0`, not an
/// exit), alert events alone on the standard output.
struct Exporter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Prometheus metrics as a service: watch --listen without metric lines.",
        discussion: """
            What `watch --listen` serves (every metric as cachewatch_<name>, the server's counters, \
            the rules' alerts as cachewatch_alerts; /-/healthy and /-/ready), run as a daemon: no \
            metric lines, only alert events on stdout (logfmt by default) and state changes on \
            stderr. A node that cannot be reached, at start-up or later, is served as \
            cachewatch_up 0 and retried; the process exits only on a bad flag, an address in use \
            or a signal.
            """,
        helpNames: [.long]
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve at http://ADDR:PORT/metrics (':9180' listens on every address, '127.0.0.1:9180' on loopback only).",
            valueName: "ADDR:PORT"))
    var listen = ListenAddress(argument: ":9180")!

    @OptionGroup(title: "Prometheus endpoint") var endpoint: MetricsEndpointOptions

    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "Format of the alert events on stdout: logfmt, json or table.")
    var format: LineFormat = .logfmt

    @OptionGroup(title: "Alert rules") var alerting: AlertOptions

    @OptionGroup(title: "Alertmanager") var alertmanager: AlertmanagerOptions

    @OptionGroup(title: "What is read: key sampling, keyspace events, key lives") var sources: SourceOptions

    @OptionGroup(title: "Recording") var recording: RecordOptions

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @OptionGroup(title: "Several nodes: targets, Cluster, Sentinel") var targets: TargetOptions

    func validate() throws {
        try PollInterval.validate(interval)
    }

    func run() async throws {
        let targets = try targets.targets(connection: connection)
        connection.warnAboutPasswordInArguments(urls: self.targets.urls, also: self.targets.sentinelPassword != nil)
        let rules = try alerting.load()
        let sink = alertmanager.sink(targets: targets)
        let latest = LatestExposition()
        let server = try await endpoint.serve(on: listen, latest: latest, nodes: targets.count)
        let recorder = try recording.recorder(command: "exporter", endpoints: targets.map(\.name), interval: interval)
        defer { recorder?.close() }
        SignalTrap.install(exitImmediately: true)
        try await EngineSession.run(
            targets: targets,
            configuration: EngineSession.configuration(
                connection: connection, targets: self.targets, sources: sources, interval: interval),
            wait: true, seasonalHistory: recording.seasons
        ) { engine in
            var loop = WatchLoop.console(
                on: engine, format: format, interval: interval, rules: rules, alertsOnly: true, alertmanager: sink,
                exposition: { @Sendable exposition in latest.publish(exposition) },
                namespaceLimit: endpoint.namespaceLimit)
            if let recorder { loop.onStep = { recorder.record($0, state: $1) } }
            try await loop.run()
        }
        await server.close()
    }
}
