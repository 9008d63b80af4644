import Alerts
import ArgumentParser
import Export
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
            Polls every --interval seconds for --window seconds while sampling keys, evaluates the \
            rules, then writes cachewatch-snapshot-<UTC time>/ under --out: metrics.csv, bigkeys.csv, \
            namespaces.csv, ttl_histogram.csv, expiry_forecast.csv, slowlog.csv, commands.csv, \
            alerts.csv and manifest.json. The directory appears only when complete. Key names are \
            exported as text plus exact hex bytes (key, key_hex); --redact-keys hashes them.
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @Option(name: .long, help: "The directory the snapshot directory is written in.")
    var out = "."

    @Option(name: .long, help: "Seconds to watch before writing.")
    var window: Double = 10

    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @OptionGroup var sampling: SamplingOptions

    @OptionGroup var alerting: AlertOptions

    @OptionGroup var export: ExportFlags

    func validate() throws {
        guard window.isFinite, window >= 0.2 else { throw ValidationError("--window must be at least 0.2 seconds") }
        guard interval.isFinite, interval >= 0.05 else { throw ValidationError("--interval must be at least 0.05") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let rules = try alerting.load()
        // Before watching: a destination that cannot take the snapshot is an error at once.
        do {
            try SnapshotWriter.checkDestination(out)
        } catch {
            throw CLIFailure("snapshot: \(error.description)")
        }
        let ownTraffic = OwnTraffic()
        let poller = Poller(
            connection: ManagedConnection(endpoint: endpoint, configuration: connection.configuration),
            ownTraffic: ownTraffic)
        let first = await poller.poll()
        if let failure = first.failure { throw CLIFailure(failure) }
        let inbox = SampleInbox()
        let sampler = sampling.sampler(for: endpoint, configuration: connection.configuration, ownTraffic: ownTraffic)
        let keySampling = inbox.collect(from: sampler)
        defer { keySampling.cancel() }
        var store = MetricStore()
        var engine = RuleEngine(rules: rules)
        var events: [AlertEvent] = []
        var feed = KeyspaceFeed(node: poller.node, database: endpoint.database)
        let clock = ContinuousClock()
        let period = Duration.milliseconds(Int64(interval * 1000))
        let end = clock.now + .milliseconds(Int64(window * 1000))
        var next = clock.now
        var sample = first
        while true {
            store.ingest(sample)
            for reason in feed.add(inbox.drain().keys, to: &store, now: sample.time) {
                ConsoleOutput.error("key sampling: \(reason)")
            }
            events += engine.eval(now: sample.time, store: store)
            next += period
            guard next <= end else { break }
            try await clock.sleep(until: next)
            sample = await poller.poll()
        }
        let snapshot = Snapshot(
            toolVersion: CachewatchVersion.current, endpoint: endpoint.description, node: poller.node, store: store,
            keyspace: sampler == nil ? nil : feed.sampling, events: events,
            active: engine.firing + engine.pending, windowStart: first.time.timeIntervalSince1970, takenAt: Date())
        do {
            let path = try SnapshotWriter(options: export.options).write(snapshot, into: out)
            ConsoleOutput.line(path)
        } catch {
            throw CLIFailure("snapshot: \(error.description)")
        }
    }
}
