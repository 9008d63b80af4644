import Alerts
import ArgumentParser
import Export
import Foundation
import Metrics

/// `cachewatch rules`: print the built-in rules, check a rules file, list the metrics.
struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the built-in alert rules, check a rules file, or list the metric names.",
        helpNames: [.long]
    )

    @Flag(name: .customLong("print-defaults"), help: "Print the built-in rules as a rules file.")
    var printDefaults = false

    @Option(name: .long, help: "Check a rules file: report its first error with line and column.")
    var check: String?

    @Flag(name: .long, help: "List the metric names rules can use, with units.")
    var metrics = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write the rule set (the built-in rules, or --rules FILE): 'prometheus', a Prometheus rules file over the metrics of 'watch --listen' (same thresholds, for, keep_firing_for, labels and summaries); 'alertmanager', its inhibit_rules for alertmanager.yml (a cause's symptoms quieted).",
            valueName: "prometheus|alertmanager"))
    var export: RuleExportFormat?

    @Option(name: .long, help: "With --export: the rules file to export instead of the built-in rules.")
    var rules: String?

    func validate() throws {
        let chosen = [printDefaults, check != nil, metrics, export != nil].filter { $0 }.count
        guard chosen <= 1 else {
            throw ValidationError("choose one of --print-defaults, --check FILE, --metrics and --export FORMAT")
        }
        if rules != nil && export == nil { throw ValidationError("--rules goes with --export") }
    }

    func run() async throws {
        if printDefaults {
            try ConsoleOutput.line(DefaultRules.yaml)
        } else if export != nil {
            let set = try rules.map(AlertOptions.load(path:)) ?? DefaultRules.ruleSet
            switch export ?? .prometheus {
            case .prometheus:
                try ConsoleOutput.line(PrometheusRuleExport.yaml(set.rules).trimmingCharacters(in: .newlines))
            case .alertmanager:
                try ConsoleOutput.line(
                    AlertmanagerInhibitExport.yaml(set.inhibitions).trimmingCharacters(in: .newlines))
            }
        } else if metrics {
            // Every column from the metric's declaration.
            func column(_ text: String, _ width: Int) -> String {
                text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0)
            }
            try ConsoleOutput.line(
                column("METRIC", 34) + column("UNIT", 8) + column("ONE PER", 10) + column("SOURCE", 16) + "MEANING")
            for metric in Metric.allCases {
                try ConsoleOutput.line(
                    column(metric.name, 34) + column(metric.unit.rawValue, 8)
                        + column(metric.label?.rawValue ?? "node", 10)
                        + column(metric.source.rawValue, 16) + metric.help)
            }
            try ConsoleOutput.line(
                column("db<N>_keys, db<N>_keys_with_expiry", 34) + column("count", 8) + column("node", 10)
                    + column(MetricSource.poll.rawValue, 16) + "Keys (with a TTL) in database N, from INFO keyspace.")
        } else if let path = check {
            let set = try AlertOptions.load(path: path)
            let inhibitions = set.inhibitions.isEmpty ? "" : ", \(set.inhibitions.count) inhibit rules"
            try ConsoleOutput.line("\(TextInput.name(path)): \(set.rules.count) rules\(inhibitions), all valid")
        } else {
            try listRules()
        }
    }

    /// Bare `cachewatch rules`: the built-in rules, one line each — name, severity, when it
    /// fires — and where to go from there.
    private func listRules() throws {
        let rules = DefaultRules.rules
        let width = (rules.map(\.name.count).max() ?? 0) + 2
        try ConsoleOutput.line("\(rules.count) built-in rules (the YAML: --print-defaults; the metrics: --metrics):")
        for rule in rules {
            let name = rule.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let severity = rule.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            try ConsoleOutput.line(name + severity + Self.when(rule))
        }
    }

    /// When a rule fires, in one short phrase: `miss_spike_ratio above 4 (and 2 more conditions)`.
    static func when(_ rule: AlertRule) -> String {
        let condition = rule.condition
        var text = condition.metric.name
        if condition.windowSeconds > 0 {
            text =
                "\(condition.reduction.rawValue)(\(text)) over \(ValueFormatting.duration(seconds: condition.windowSeconds))"
        }
        text += " \(condition.comparison.rawValue) \(ValueFormatting.plain(condition.threshold))"
        if rule.forSeconds > 0 { text += " for \(ValueFormatting.duration(seconds: rule.forSeconds))" }
        if !rule.requires.isEmpty {
            text +=
                rule.requires.count == 1 ? " (and 1 more condition)" : " (and \(rule.requires.count) more conditions)"
        }
        return text
    }
}

/// The formats `rules --export` writes.
enum RuleExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// A Prometheus rules file.
    case prometheus
    /// The `inhibit_rules` of an Alertmanager configuration.
    case alertmanager
}
