import Alerts
import ArgumentParser
import Engine
import Export

/// How `watch` (and the headless demo) print: format, pace, how many lines.
struct WatchOutputOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "Output format: table, json or logfmt.")
    var format: LineFormat = .table

    @Option(name: [.customShort("c"), .long], help: "Stop after this many lines of metrics.")
    var count: Int?

    @Option(
        name: .customLong("header-every"), help: "Table rows between repeated headers (default: the terminal height).")
    var headerEvery: Int?

    @Flag(
        name: .long,
        help:
            "After each metric line, print the node's per-namespace figures (keys, TTLs, evictions, expirations, misses): one {\"event\":\"namespaces\",…} JSON line, or one logfmt line per namespace."
    )
    var namespaces = false

    @Flag(
        name: .long,
        help:
            "After each metric line of a cluster node whose server has CLUSTER SLOT-STATS (Redis 8.2+, Valkey 8.0+), print its hottest hash slots by CPU, network and keys, with the namespaces that live in them: one {\"event\":\"slots\",…} JSON line, or one logfmt line per slot. CPU and network need cluster-slot-stats-enabled yes on the server."
    )
    var slots = false

    @Flag(
        name: .long,
        help:
            "After each metric line whose poll read the server's own hot keys (HOTKEYS: Valkey 9.2+ while hotkeys-top-k is above 0, Redis 8.6+ a session's result), print them: one {\"event\":\"hotkeys\",…} JSON line, or one logfmt line per key."
    )
    var hotkeys = false

    func validate() throws {
        if hotkeys && format == .table {
            throw ValidationError("--hotkeys needs --format json or logfmt")
        }
        if namespaces && format == .table {
            throw ValidationError("--namespaces needs --format json or logfmt")
        }
        if slots && format == .table {
            throw ValidationError("--slots needs --format json or logfmt")
        }
        try PollInterval.validate(interval)
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let headerEvery, headerEvery < 0 { throw ValidationError("--header-every must be 0 or more") }
    }
}

extension WatchOutputOptions {
    /// The headless loop these options describe, on `engine`, printing to the console; a CSV
    /// file that cannot be appended to stops it with one line.
    func loop(
        on engine: MonitoringEngine, rules: RuleSet, alertsOnly: Bool, alertmanager: AlertmanagerSink? = nil,
        csv: CSVAppender? = nil, exposition: (@Sendable (PrometheusExposition) -> Void)? = nil,
        namespaceLimit: Int? = nil, onStep: ((EngineOutcome, EngineState) -> Void)? = nil
    ) async throws {
        var loop = WatchLoop.console(
            on: engine, format: format, interval: interval, rules: rules, alertsOnly: alertsOnly,
            alertmanager: alertmanager, exposition: exposition, namespaceLimit: namespaceLimit)
        loop.count = count
        loop.namespaces = namespaces
        loop.hotKeys = hotkeys
        loop.slots = slots
        loop.headerEvery = headerEvery ?? max(1, TerminalSize.rows(default: 24) - 2)
        loop.csv = csv
        loop.onStep = onStep
        do {
            try await loop.run()
        } catch let error as SnapshotError {
            throw CLIFailure(error.description)
        }
    }
}

extension LineFormat: ExpressibleByArgument {}
