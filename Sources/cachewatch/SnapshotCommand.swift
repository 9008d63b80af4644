import Alerts
import ArgumentParser
import Engine
import Export
import Fleet
import Foundation
import Metrics
import RedisClient
import Telemetry

/// `cachewatch snapshot`: watch the server for a short window, then write one snapshot
/// directory of CSV files (metrics, big keys, namespaces, TTLs, expiry forecast, slow log,
/// commands, alerts) and a manifest.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Watch the server for a few seconds, then write a directory of CSV files for a post-mortem.",
        discussion: """
            Polls every --interval seconds for --duration (10 s), reading what watch reads (keys \
            sampled, keyspace events where the server publishes them, key lives), evaluates the \
            rules, then writes cachewatch-snapshot-<UTC time>/ under --out: metrics.csv, bigkeys.csv, \
            namespaces.csv, ttl_histogram.csv, expiry_forecast.csv, slowlog.csv, commands.csv, \
            alerts.csv, hotkeys.csv (the server's own HOTKEYS, Valkey 9.2+/Redis 8.6+) and manifest.json. The directory appears only when complete. Key names are \
            exported as text plus exact hex bytes (key, key_hex); --redact-keys hashes them. With \
            --rdb FILE (the node's dump: BGSAVE's file, a backup), bigkeys.csv, namespaces.csv, \
            ttl_histogram.csv and expiry_forecast.csv hold the whole keyspace as the dump has it \
            instead of the sampled estimates; the manifest says which file and how old.
            """,
        helpNames: [.long]
    )

    @OptionGroup(title: "Snapshot") var snapshot: SnapshotOptions

    /// Where the snapshot goes.
    var out: String { snapshot.out }

    /// The window, in seconds.
    var window: Double { snapshot.duration.seconds }

    /// Seconds between polls.
    var interval: Double { snapshot.interval }

    @OptionGroup(title: "What is read: key sampling, keyspace events, key lives") var sources: SourceOptions

    @OptionGroup(title: "Alert rules") var alerting: AlertOptions

    @OptionGroup(title: "Exported key names and cells") var export: ExportFlags

    @OptionGroup(title: "The keyspace from a dump (RDB)") var dump: DumpOptions

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @OptionGroup(title: "Several nodes: targets, Cluster, Sentinel") var targets: TargetOptions

    func validate() throws {
        guard window.isFinite, window >= 0.2 else { throw ValidationError("--duration must be at least 0.2 seconds") }
        guard interval.isFinite, interval >= 0.05 else { throw ValidationError("--interval must be at least 0.05") }
    }

    func run() async throws {
        let targets = try targets.targets(connection: connection)
        connection.warnAboutPasswordInArguments(urls: self.targets.urls, also: self.targets.sentinelPassword != nil)
        let rules = try alerting.load()
        // Before watching: a destination that cannot take the snapshot is an error at once.
        do {
            try SnapshotWriter.checkDestination(out)
        } catch {
            throw CLIFailure("snapshot: \(error.description)")
        }
        // The dump first: a file that cannot be read is an error before anything connects.
        let dumps = try dump.dumps(for: targets, command: "snapshot")
        var snapshot = try await EngineSession.run(
            targets: targets,
            configuration: EngineSession.configuration(
                connection: connection, targets: self.targets, sources: sources, interval: interval, window: true),
            keyspaceDumps: dumps
        ) { engine in
            let start = engine.clock.now
            var state = engine.makeState(rules: rules.rules, inhibitions: rules.inhibitions)
            await EngineWindow(seconds: window).run(
                on: engine, state: &state,
                step: { outcome in for notice in outcome.notices { ConsoleOutput.error(notice) } })
            // Figures taken now, at the end of the window (those kept are up to a second old).
            let takenAt = engine.clock.now
            let keyspaces = state.samplings.mapValues { KeyspaceFigures($0, now: takenAt) }
            return Snapshot(
                toolVersion: CachewatchVersion.current, endpoint: targets.map(\.name).joined(separator: ","),
                node: engine.nodes.first ?? "", store: state.store,
                keyspaces: keyspaces,
                events: state.recentEvents, active: state.activeAlerts,
                windowStart: (engine.firstSamples.map(\.time).min() ?? start).timeIntervalSince1970,
                takenAt: takenAt)
        }
        if let dump = dumps.values.first { snapshot.keyspaceDump = (dump.path, dump.savedAt) }
        let path: String
        do {
            path = try SnapshotWriter(options: export.options).write(snapshot, into: out)
        } catch {
            throw CLIFailure("snapshot: \(error.description)")
        }
        try ConsoleOutput.line(path)
    }
}

/// `snapshot`'s own options: where, how long, how often.
struct SnapshotOptions: ParsableArguments {
    @Option(name: .long, help: "The directory the snapshot directory is written in.")
    var out = "."

    @Option(
        name: [.customLong("duration"), .customLong("window")],
        help: "How long to watch before writing: seconds, or with a unit: 10, 30s, 2m.")
    var duration = RecordDuration(seconds: 10)

    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

}
