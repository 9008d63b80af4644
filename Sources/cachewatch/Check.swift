import Alerts
import ArgumentParser
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
            Polls for --window seconds so that rates exist, then evaluates every rule's condition at \
            the last poll, ignoring 'for' (the calling monitoring system owns the hold-down); keys \
            sampled meanwhile feed the keyspace rules. Exit \
            codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreachable or no data).
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var targets: TargetOptions

    @OptionGroup var alerting: AlertOptions

    @OptionGroup var sampling: SamplingOptions

    @Option(name: .long, help: "Seconds to poll before evaluating (at least two polls).")
    var window: Double = 3

    func validate() throws {
        guard window >= 0.2, window.isFinite else { throw ValidationError("--window must be at least 0.2 seconds") }
    }

    func run() async throws {
        let targets = try targets.targets(connection: connection)
        let rules = try alerting.load().map { rule -> AlertRule in
            var immediate = rule
            immediate.forSeconds = 0
            return immediate
        }
        let polls = 3
        let spacing = window / Double(polls - 1)
        let session: FleetSession
        do {
            session = try await FleetSession.start(
                targets: targets,
                configuration: FleetSession.configuration(
                    connection: connection, targets: self.targets, sampling: sampling, interval: spacing, oneShot: true))
        } catch let failure as CLIFailure {
            ConsoleOutput.line("CACHEWATCH UNKNOWN - \(failure.message)")
            throw ExitCode(3)
        }
        var store = MetricStore()
        var ingest = FleetIngest(databases: session.databases)
        var pollsSeen: [String: Int] = [:]
        let deadline = ContinuousClock.now + .milliseconds(Int64((window + connection.commandTimeout + 1) * 1000))
        // Every node polled three times (or the window and a timeout passed): rates exist.
        while ContinuousClock.now < deadline {
            for sample in ingest.apply(session.inbox.drain(), to: &store).samples {
                pollsSeen[sample.node, default: 0] += 1
            }
            if !pollsSeen.isEmpty && pollsSeen.values.allSatisfy({ $0 >= polls }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        // Keys sampled meanwhile, then the rules at the newest poll.
        _ = ingest.apply(session.inbox.drain(), to: &store)
        await session.fleet.stop()
        let nodes = store.nodeNames.compactMap { store[$0] }
        let answering = nodes.filter(\.isUp)
        guard let now = nodes.compactMap(\.times.last).max().map(Date.init(timeIntervalSince1970:)),
            !answering.isEmpty
        else {
            let failure = nodes.first?.lastFailure?.message ?? "no data"
            ConsoleOutput.line("CACHEWATCH UNKNOWN - \(nodes.count > 1 ? "no node answers; " : "")\(failure)")
            throw ExitCode(3)
        }
        var engine = RuleEngine(rules: rules)
        _ = engine.eval(now: now, store: store)
        let firing = engine.firing
        let down = nodes.filter { !$0.isUp }
        var worst = firing.map(\.severity).max()
        if !down.isEmpty { worst = .critical }
        let (status, code): (String, Int32) =
            worst == .critical ? ("CRITICAL", 2) : worst == .warning ? ("WARNING", 1) : ("OK", 0)
        var problems = down.map { "\($0.node) unreachable: \($0.lastFailure?.message ?? "no answer")" }
        problems += firing.map { "\($0.name): \($0.summary.isEmpty ? ValueFormatting.plain($0.value) : $0.summary)" }
        let total = FleetAggregate(store: store)
        var text = "CACHEWATCH \(status) - "
        if problems.isEmpty, answering.count == 1, let node = answering.first {
            text +=
                "\(node.node): hit ratio \(percent(node.latest(.hitRatio))), \(ValueFormatting.count(node.latest(.opsPerSec))) ops/s"
            text += ", memory \(percent(node.latest(.memoryUsedRatio)))"
        } else if problems.isEmpty {
            text += "\(answering.count) nodes: hit ratio \(percent(total.hitRatio)), "
            text += "\(ValueFormatting.count(total.opsPerSec)) ops/s, max memory \(percent(total.maxMemoryRatio))"
        } else {
            text += problems.joined(separator: "; ")
        }
        let perfdata: [String]
        if nodes.count == 1, let node = nodes.first {
            perfdata = [
                Metric.hitRatio, .opsPerSec, .evictedPerSec, .expiredPerSec, .memoryUsedRatio, .clientsConnected,
                .pingMs,
            ]
            .compactMap { metric in node.latest(metric).map { "\(metric.rawValue)=\(JSONText.number($0))" } }
        } else {
            perfdata = [
                ("hit_ratio", total.hitRatio), ("ops_per_sec", total.opsPerSec),
                ("evicted_per_sec", total.evictedPerSec),
                ("expired_per_sec", total.expiredPerSec), ("memory_used_ratio_max", total.maxMemoryRatio),
                ("nodes_up", Double(answering.count)), ("nodes_down", Double(down.count)),
            ].compactMap { name, value in value.map { "\(name)=\(JSONText.number($0))" } }
        }
        ConsoleOutput.line(text + " | " + perfdata.joined(separator: " "))
        if code != 0 { throw ExitCode(code) }
    }

    private func percent(_ ratio: Double?) -> String {
        ratio.map { ValueFormatting.percent($0) + "%" } ?? "-"
    }
}
