import Alerts
import Foundation
import Metrics
import Telemetry

/// `cachewatch check`'s verdict, as a monitoring plugin prints it: a status, one summary line
/// and perfdata, computed from a store and rules alone (no server involved).
///
/// Every rule's condition is evaluated at the newest poll, ignoring its `for` (the calling
/// monitoring system owns the hold-down); a node that does not answer is critical; no node
/// answering, or no data at all, is unknown.
public struct CheckReport: Sendable, Equatable {
    /// The plugin status, with its exit code as the raw value.
    public enum Status: Int32, Sendable, Comparable {
        /// Nothing wrong.
        case ok = 0
        /// A warning rule holds.
        case warning = 1
        /// A critical rule holds, or a node does not answer.
        case critical = 2
        /// No node answers, or there is no data.
        case unknown = 3

        /// The word printed after `CACHEWATCH`.
        public var label: String {
            switch self {
            case .ok: "OK"
            case .warning: "WARNING"
            case .critical: "CRITICAL"
            case .unknown: "UNKNOWN"
            }
        }

        /// The process exit code.
        public var exitCode: Int32 { rawValue }

        /// Orders by urgency (the exit code).
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The verdict.
    public let status: Status
    /// What follows the status: the problems, or the healthy figures.
    public let summary: String
    /// `name=value` pairs (absent values left out).
    public let perfdata: [String]
    /// The problems, most severe first (an incident's cause before its symptoms), as the
    /// summary lists them; empty when healthy.
    public private(set) var problems: [String] = []
    /// The alerts whose conditions held at the newest poll, as evaluated (their `for` ignored).
    public private(set) var alerts: [Alert] = []
    /// The figures of the perfdata, by name, in their metric's unit (ratios as ratios).
    public private(set) var figures: [(name: String, value: Double)] = []
    /// The nodes looked at, and whether each answered.
    public private(set) var nodes: [(name: String, up: Bool)] = []

    /// Equal reports: the same verdict, line, problems and alerts (the figures are the perfdata's).
    public static func == (lhs: CheckReport, rhs: CheckReport) -> Bool {
        lhs.status == rhs.status && lhs.summary == rhs.summary && lhs.perfdata == rhs.perfdata
            && lhs.problems == rhs.problems && lhs.alerts == rhs.alerts
    }

    /// The one line printed: `CACHEWATCH STATUS - summary | perfdata`.
    public var line: String {
        let head = "CACHEWATCH \(status.label) - \(summary)"
        return perfdata.isEmpty ? head : head + " | " + perfdata.joined(separator: " ")
    }

    /// A report that could not look at the server (it cannot be reached, a bad password).
    public static func unknown(_ reason: String) -> CheckReport {
        var report = CheckReport(status: .unknown, summary: reason, perfdata: [])
        report.problems = [reason]
        return report
    }

    private init(status: Status, summary: String, perfdata: [String]) {
        self.status = status
        self.summary = summary
        self.perfdata = perfdata
    }

    /// The verdict on `store` under `rules` (their `for` is ignored), at the newest poll. With
    /// `inhibitions`, alerts that one firing cause explains are told as one incident: the cause
    /// first, its symptoms named after it (the status is still the most severe of them all).
    public init(store: some SeriesReading, rules: [AlertRule], inhibitions: [Inhibition] = []) {
        let nodes = store.nodeNames.compactMap { store[$0] }
        let answering = nodes.filter(\.isUp)
        guard let newest = nodes.compactMap(\.times.last).max(), !answering.isEmpty else {
            let failure = nodes.first?.lastFailure?.message ?? "no data"
            self.init(
                status: .unknown, summary: "\(nodes.count > 1 ? "no node answers; " : "")\(failure)", perfdata: [])
            return
        }
        var engine = RuleEngine(
            rules: rules.map { rule in
                var immediate = rule
                immediate.forSeconds = 0
                return immediate
            }, inhibitions: inhibitions)
        _ = engine.eval(now: Date(timeIntervalSince1970: newest), store: store)
        let firing = engine.firing
        let down = nodes.filter { !$0.isUp }
        // A node that answers but whose INFO is refused or renamed away gives no figure: the
        // check cannot tell whether it is healthy.
        let blind = answering.filter { $0.lastReading?.info == nil }
        let worst = down.isEmpty ? firing.map(\.severity).max() : .critical
        var status: Status = worst == .critical ? .critical : worst == .warning ? .warning : .ok
        if !blind.isEmpty && status != .critical { status = .unknown }
        var problems = down.map { "\($0.node) unreachable: \($0.lastFailure?.message ?? "no answer")" }
        problems += blind.map { node in
            "\(node.node) gives no figures: \(node.lastReading?.unavailable[.info] ?? "INFO returned nothing")"
        }
        func described(_ alert: Alert) -> String {
            "\(alert.name): \(alert.summary.isEmpty ? ValueFormatting.plain(alert.value) : alert.summary)"
        }
        let (incidents, others) = engine.incidents
        // Most severe first: an incident's cause leads; its symptoms by name, once each.
        var told: [(severity: Severity, text: String)] = incidents.map { incident in
            var names: [String] = []
            for symptom in incident.symptoms where !names.contains(symptom.name) { names.append(symptom.name) }
            let severity = ([incident.cause] + incident.symptoms).map(\.severity).max() ?? incident.cause.severity
            return (severity, described(incident.cause) + " (causing \(names.joined(separator: ", ")))")
        }
        told += others.filter { $0.state == .firing }.map { ($0.severity, described($0)) }
        problems += told.enumerated().sorted { ($0.element.severity, $1.offset) > ($1.element.severity, $0.offset) }
            .map(\.element.text)
        let total = FleetAggregate(store: store)
        let summary: String
        if problems.isEmpty, answering.count == 1, let node = answering.first {
            summary =
                "\(node.node): hit ratio \(Self.percent(node.latest(.hitRatio))), "
                + "\(ValueFormatting.count(node.latest(.opsPerSec))) ops/s, "
                + "memory \(Self.percent(node.latest(.memoryUsedRatio)))"
        } else if problems.isEmpty {
            summary =
                "\(answering.count) nodes: hit ratio \(Self.percent(total.hitRatio)), "
                + "\(ValueFormatting.count(total.opsPerSec)) ops/s, max memory \(Self.percent(total.maxMemoryRatio))"
        } else {
            summary = problems.joined(separator: "; ")
        }
        // The figures, once: the perfdata and the JSON's figures are both made from them.
        let measured: [(name: String, value: Double, unit: MetricUnit, metric: Metric?)]
        if nodes.count == 1, let node = nodes.first {
            let metrics: [Metric] = [
                .hitRatio, .opsPerSec, .evictedPerSec, .expiredPerSec, .memoryUsedRatio, .clientsConnected, .pingMs,
            ]
            measured = metrics.compactMap { metric in node.latest(metric).map { (metric.name, $0, metric.unit, metric) }
            }
        } else {
            let pairs: [(String, Double?, MetricUnit, Metric?)] = [
                ("hit_ratio", total.hitRatio, .ratio, .hitRatio), ("ops_per_sec", total.opsPerSec, .perSecond, nil),
                ("evicted_per_sec", total.evictedPerSec, .perSecond, nil),
                ("expired_per_sec", total.expiredPerSec, .perSecond, nil),
                ("memory_used_ratio_max", total.maxMemoryRatio, .ratio, .memoryUsedRatio),
                ("nodes_up", Double(answering.count), .count, nil), ("nodes_down", Double(down.count), .count, nil),
            ]
            measured = pairs.compactMap { name, value, unit, metric in value.map { (name, $0, unit, metric) } }
        }
        let perfdata = measured.map {
            Self.perfdatum($0.name, $0.value, unit: $0.unit, metric: $0.metric, rules: rules)
        }
        self.init(status: status, summary: summary, perfdata: perfdata)
        self.problems = problems
        self.alerts = firing
        self.nodes = nodes.map { ($0.node, $0.isUp) }
        self.figures = measured.map { ($0.name, $0.value) }
    }

    /// The report as one JSON object (`check --format json`): `status` (`OK`, `WARNING`,
    /// `CRITICAL`, `UNKNOWN`), `exit_code`, `summary`, `problems`, `alerts` (name, severity,
    /// labels, value, summary, description, runbook_url, cause), `figures` and `nodes`.
    public var json: String {
        let alertObjects = alerts.map { alert in
            let labels = alert.labels.sorted { $0.key < $1.key }.map {
                "\(JSONText.string($0.key)):\(JSONText.string($0.value))"
            }
            return "{\"name\":\(JSONText.string(alert.name)),\"severity\":\(JSONText.string(alert.severity.rawValue)),"
                + "\"labels\":{\(labels.joined(separator: ","))},\"value\":\(JSONText.number(alert.value)),"
                + "\"summary\":\(JSONText.string(alert.summary)),\"description\":\(JSONText.string(alert.description)),"
                + "\"runbook_url\":\(JSONText.string(alert.runbookURL)),"
                + "\"cause\":\(alert.cause.map(JSONText.string) ?? "null")}"
        }
        let figureFields = figures.map { "\(JSONText.string($0.name)):\(JSONText.number($0.value))" }
        let nodeObjects = nodes.map { "{\"node\":\(JSONText.string($0.name)),\"up\":\($0.up)}" }
        return "{\"status\":\(JSONText.string(status.label)),\"exit_code\":\(status.exitCode),"
            + "\"summary\":\(JSONText.string(summary)),"
            + "\"problems\":[\(problems.map(JSONText.string).joined(separator: ","))],"
            + "\"alerts\":[\(alertObjects.joined(separator: ","))],\"figures\":{\(figureFields.joined(separator: ","))},"
            + "\"nodes\":[\(nodeObjects.joined(separator: ","))]}"
    }

    /// One Nagios perfdata item, `name=value[unit];[warn];[crit];[min];[max]`: ratios in percent
    /// (0–100), milliseconds as `ms`, counts as counts; warn and crit from the rules on the
    /// metric that need no other condition (`80:` for a rule that fires below 0.8).
    static func perfdatum(
        _ name: String, _ value: Double, unit: MetricUnit, metric: Metric?, rules: [AlertRule]
    )
        -> String
    {
        let scale = unit == .ratio ? 100.0 : 1
        let suffix = unit == .ratio ? "%" : unit == .milliseconds ? "ms" : ""
        func threshold(_ severity: Severity) -> String {
            guard let metric,
                let rule = rules.first(where: { rule in
                    rule.severity == severity && rule.condition.metric == .metric(metric) && rule.requires.isEmpty
                        && rule.condition.windowSeconds == 0
                })
            else { return "" }
            let number = JSONText.number(rule.condition.threshold * scale)
            return rule.condition.comparison == .above ? number : number + ":"
        }
        let bounds = unit == .ratio ? "0;100" : "0;"
        return
            "\(name)=\(JSONText.number(value * scale))\(suffix);\(threshold(.warning));\(threshold(.critical));\(bounds)"
    }

    private static func percent(_ ratio: Double?) -> String {
        ratio.map { ValueFormatting.percent($0) + "%" } ?? "-"
    }
}
