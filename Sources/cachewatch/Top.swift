import ArgumentParser
import Foundation
import RedisClient
import Telemetry

/// `cachewatch top`: the interactive dashboard (the default command).
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the dashboard: hit ratio, traffic, memory, evictions, latency, slow log.",
        discussion:
            "Keys: q quit, ? help, 1-6 views, p pause, +/- graph window, / filter, s sort, e export a CSV snapshot.",
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @OptionGroup var display: DisplayOptions

    @Flag(name: .long, help: "Open even when the server cannot be reached yet, and keep retrying.")
    var wait = false

    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var alerting: AlertOptions

    @Option(name: .customLong("snapshot-dir"), help: "Where the e key writes CSV snapshots.")
    var snapshotDirectory = "."

    @OptionGroup var export: ExportFlags

    func run() async throws {
        // A rules file that cannot be used stops the dashboard before anything else.
        let rules = try alerting.load()
        try TerminalCheck.requireTerminal()
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let ownTraffic = OwnTraffic()
        let poller = Poller(
            connection: ManagedConnection(endpoint: endpoint, configuration: connection.configuration),
            ownTraffic: ownTraffic)
        // A typo (wrong port, wrong password) is reported before the screen is taken over.
        if let failure = await poller.poll().failure, !wait {
            throw CLIFailure(failure)
        }
        SignalTrap.install(exitImmediately: false)
        await DashboardSession(
            poller: poller,
            sampler: sampling.sampler(for: endpoint, configuration: connection.configuration, ownTraffic: ownTraffic),
            database: endpoint.database, interval: display.interval, colors: display.usesColor, rules: rules,
            snapshots: SnapshotTarget(
                directory: snapshotDirectory, options: export.options, endpoint: endpoint.description)
        ).run()
        SignalTrap.exitIfSignalled()
    }
}
