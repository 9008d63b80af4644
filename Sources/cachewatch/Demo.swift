import Alerts
import ArgumentParser
import CursesTerminal
import Export
import Fleet
import Foundation
import Recording
import RedisClient
import Telemetry
import Workload

/// `cachewatch demo`: a private redis-server with cache traffic on it, on the dashboard.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a private redis-server with cache traffic on it, and open the dashboard on it.",
        discussion: """
            The server runs on a free loopback port in a temporary directory with a 64 MB \
            maxmemory and allkeys-lru; a cache-aside workload (Zipf-popular, namespaced keys with \
            TTLs) reads and refills it. Everything the demo started is stopped on exit, Ctrl-C or \
            SIGTERM. With --headless it prints watch lines instead of opening the dashboard.
            """,
        helpNames: [.long]
    )

    @OptionGroup(title: "Output") var output: WatchOutputOptions

    @Flag(name: .long, help: "Print watch lines instead of opening the dashboard (for pipes and CI).")
    var headless = false

    @Flag(name: .customLong("no-color"), help: "No colours in the dashboard (also when NO_COLOR is set).")
    var noColor = false

    @Option(name: .long, help: "Cache reads per second of the workload.")
    var rate = 1500

    @Option(name: .customLong("stampede-every"), help: "Seconds between the hot family's synchronised expiries.")
    var stampedeEvery = 60

    @Flag(name: .customLong("alerts-only"), help: "With --headless: print alert events only.")
    var alertsOnly = false

    @Option(
        name: [.customLong("out"), .customLong("snapshot-dir")],
        help: "The directory the e key writes CSV snapshots in (as snapshot --out).")
    var snapshotDirectory = "."

    @OptionGroup(title: "Recording") var recording: RecordOptions

    func validate() throws {
        guard rate >= 1 && rate <= 100_000 else { throw ValidationError("--rate must be from 1 to 100000") }
        guard stampedeEvery >= 5 else { throw ValidationError("--stampede-every must be at least 5 seconds") }
    }

    func run() async throws {
        if !headless { try TerminalCheck.requireTerminal() }
        let server: PrivateRedisServer
        do {
            server = try await PrivateRedisServer([
                "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--slowlog-log-slower-than", "2000",
                // Its own server: keyspace events on, so the demo shows evictions, expirations,
                // deletions and misses per namespace, and how keys end (not `n`: Redis 6.2
                // refuses it).
                "--notify-keyspace-events", "Exegm",
            ])
        } catch let failure as ProcessFailure {
            throw CLIFailure("demo: \(failure.description)")
        }
        SignalTrap.onExit { server.stopImmediately() }
        SignalTrap.install(exitImmediately: headless)
        if headless {
            ConsoleOutput.error(
                "demo: redis-server on 127.0.0.1:\(server.port) (maxmemory 64mb, allkeys-lru), \(rate) reads/s")
        }

        let workload = Task {
            await CacheAsideWorkload(
                endpoint: server.endpoint,
                configuration: WorkloadConfiguration(readsPerSecond: rate, stampedePeriod: stampedeEvery)
            )
            .run()
        }
        defer { server.stopImmediately() }  // also removes its directory
        let recorder = try recording.recorder(
            command: "demo", endpoints: [server.endpoint.description], interval: output.interval)
        defer { recorder?.close() }
        let onStep = recorder.map { recorder in { recorder.record($0, state: $1) } }
        do {
            let colors = !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
            let snapshots = SnapshotTarget(
                directory: snapshotDirectory, options: ExportOptions(), endpoint: server.endpoint.description,
                toolVersion: CachewatchVersion.current)
            try await EngineSession.run(
                targets: [NodeTarget(endpoint: server.endpoint)],
                configuration: FleetConfiguration(
                    interval: .milliseconds(Int64(output.interval * 1000)), sampling: KeySamplerConfiguration(),
                    clusterMode: .off, keyEvents: true,
                    keyLifeChecksPerSecond: KeyLifeOptions.defaultChecksPerSecond),
                seasonalHistory: recording.seasons
            ) { engine in
                if headless {
                    try await output.loop(
                        on: engine, rules: DefaultRules.ruleSet, alertsOnly: alertsOnly, onStep: onStep)
                } else {
                    let interval = output.interval
                    await MainActor.run {
                        var dashboard = DashboardLoop(interval: interval, colors: colors, snapshots: snapshots)
                        dashboard.shouldStop = { SignalTrap.received != nil }
                        if let recorder { dashboard.onStep = { recorder.record($0, state: $1) } }
                        dashboard.run(on: engine)
                    }
                }
            }
        } catch {
            workload.cancel()
            throw error
        }
        workload.cancel()
        _ = await workload.value
        await server.stop()
        SignalTrap.exitIfSignalled()
    }
}
