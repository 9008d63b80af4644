import Alerts
import ArgumentParser
import Export
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
            Polls for --window seconds so that rates exist, then evaluates every rule's condition at \
            the last poll, ignoring 'for' (the calling monitoring system owns the hold-down); keys \
            sampled meanwhile feed the keyspace rules. Exit \
            codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreachable or no data).
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @OptionGroup var alerting: AlertOptions

    @OptionGroup var sampling: SamplingOptions

    @Option(name: .long, help: "Seconds to poll before evaluating (at least two polls).")
    var window: Double = 3

    func validate() throws {
        guard window >= 0.2, window.isFinite else { throw ValidationError("--window must be at least 0.2 seconds") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let rules = try alerting.load().map { rule -> AlertRule in
            var immediate = rule
            immediate.forSeconds = 0
            return immediate
        }
        let ownTraffic = OwnTraffic()
        let poller = Poller(
            connection: ManagedConnection(endpoint: endpoint, configuration: connection.configuration),
            ownTraffic: ownTraffic)
        var store = MetricStore()
        let inbox = SampleInbox()
        let sampler = sampling.sampler(for: endpoint, configuration: connection.configuration, ownTraffic: ownTraffic)
        let keySampling = inbox.collect(from: sampler)
        defer { keySampling.cancel() }
        let clock = ContinuousClock()
        let polls = 3
        let spacing = Duration.milliseconds(Int64(window * 1000 / Double(polls - 1)))
        var last: Sample?
        for index in 0..<polls {
            if index > 0 { try await clock.sleep(for: spacing) }
            let sample = await poller.poll()
            store.ingest(sample)
            last = sample
            if index == 0, let failure = sample.failure {
                ConsoleOutput.line("CACHEWATCH UNKNOWN - \(failure.message)")
                throw ExitCode(3)
            }
        }
        guard let last, last.reading != nil, let node = store[last.node] else {
            ConsoleOutput.line("CACHEWATCH UNKNOWN - \(last?.failure?.message ?? "no data")")
            throw ExitCode(3)
        }
        var feed = KeyspaceFeed(node: last.node, database: endpoint.database)
        _ = feed.add(inbox.drain().keys, to: &store, now: last.time)
        var engine = RuleEngine(rules: rules)
        _ = engine.eval(now: last.time, store: store)
        let firing = engine.firing
        let worst = firing.map(\.severity).max()
        let (status, code): (String, Int32) =
            worst == .critical ? ("CRITICAL", 2) : worst == .warning ? ("WARNING", 1) : ("OK", 0)
        var text = "CACHEWATCH \(status) - "
        if firing.isEmpty {
            text +=
                "\(last.node): hit ratio \(percent(node.latest(.hitRatio))), \(ValueFormatting.count(node.latest(.opsPerSec))) ops/s"
            text += ", memory \(percent(node.latest(.memoryUsedRatio)))"
        } else {
            text += firing.map {
                "\($0.name): \($0.summary.isEmpty ? ValueFormatting.plain($0.value) : $0.summary)"
            }
            .joined(separator: "; ")
        }
        let perfdata = [
            Metric.hitRatio, .opsPerSec, .evictedPerSec, .expiredPerSec, .memoryUsedRatio, .clientsConnected, .pingMs,
        ]
        .compactMap { metric in node.latest(metric).map { "\(metric.rawValue)=\(JSONText.number($0))" } }
        ConsoleOutput.line(text + " | " + perfdata.joined(separator: " "))
        if code != 0 { throw ExitCode(code) }
    }

    private func percent(_ ratio: Double?) -> String {
        ratio.map { ValueFormatting.percent($0) + "%" } ?? "-"
    }
}
