import ArgumentParser
import CursesTerminal
import Export
import Fleet
import Foundation
import Recording
import RedisClient
import Telemetry

/// `cachewatch top`: the interactive dashboard (the default command).
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the dashboard: hit ratio, traffic, memory, evictions, latency, slow log.",
        discussion:
            "Keys: q quit, ? help, 1-7 views, p pause, +/- graph window, / filter, s sort, e export a CSV snapshot, P profile 10 s with MONITOR (costs the server while on).",
        helpNames: [.long]
    )

    @OptionGroup(title: "Display") var display: DisplayOptions

    @Flag(name: .long, help: "Open even when the server cannot be reached yet, and keep retrying.")
    var wait = false

    @OptionGroup(title: "What is read: key sampling, keyspace events, key lives") var sources: SourceOptions

    @OptionGroup(title: "Alert rules") var alerting: AlertOptions

    @Option(
        name: [.customLong("out"), .customLong("snapshot-dir")],
        help: "The directory the e key writes CSV snapshots in (as snapshot --out).")
    var snapshotDirectory = "."

    @OptionGroup(title: "Exported key names and cells") var export: ExportFlags

    @OptionGroup(title: "Recording") var recording: RecordOptions

    @OptionGroup(title: "The keyspace from a dump (RDB)") var dump: DumpOptions

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    @OptionGroup(title: "Several nodes: targets, Cluster, Sentinel") var targets: TargetOptions

    func run() async throws {
        // A rules file that cannot be used stops the dashboard before anything else.
        let rules = try alerting.load()
        try TerminalCheck.requireTerminal()
        let targets = try targets.targets(connection: connection)
        // The node's dump, read before the screen is taken over (its progress on the terminal).
        let dumps = try dump.dumps(for: targets, command: "top")
        // A typo (wrong port, wrong password) is reported before the screen is taken over.
        let snapshots = SnapshotTarget(
            directory: snapshotDirectory, options: export.options, endpoint: targets.map(\.name).joined(separator: ","),
            toolVersion: CachewatchVersion.current)
        let recorder = try recording.recorder(
            command: "top", endpoints: targets.map(\.name), interval: display.interval)
        defer { recorder?.close() }
        // Until the dashboard takes the terminal, a signal exits at once (putting back what
        // --enable-events changed); from then on the dashboard's loop handles it.
        SignalTrap.install(exitImmediately: true)
        try await EngineSession.run(
            targets: targets,
            configuration: EngineSession.configuration(
                connection: connection, targets: self.targets, sources: sources, interval: display.interval),
            wait: wait, seasonalHistory: recording.seasons, keyspaceDumps: dumps
        ) { engine in
            SignalTrap.install(exitImmediately: false)
            let (interval, colors) = (display.interval, display.usesColor)
            await MainActor.run {
                var dashboard = DashboardLoop(interval: interval, colors: colors, rules: rules, snapshots: snapshots)
                dashboard.shouldStop = { SignalTrap.received != nil }
                if let recorder { dashboard.onStep = { recorder.record($0, state: $1) } }
                dashboard.run(on: engine)
            }
        }
        SignalTrap.exitIfSignalled()
    }
}
