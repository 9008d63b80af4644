import Alerts
import ArgumentParser
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

    func validate() throws {
        let chosen = [printDefaults, check != nil, metrics].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("choose one of --print-defaults, --check FILE and --metrics") }
    }

    func run() async throws {
        if printDefaults {
            try ConsoleOutput.line(DefaultRules.yaml)
        } else if metrics {
            for metric in Metric.allCases {
                let label = metric.label.map { "  (one per \($0))" } ?? ""
                try ConsoleOutput.line(
                    "\(metric.rawValue.padding(toLength: 30, withPad: " ", startingAt: 0)) \(metric.unit.rawValue)\(label)"
                )
            }
            try ConsoleOutput.line("db<N>_keys, db<N>_keys_with_expiry       count")
        } else if let path = check {
            let text: String
            do { text = try TextInput.read(path) } catch { throw CLIFailure("cannot read rules file: \(error)") }
            let rules: [AlertRule]
            do {
                rules = try RuleFile.parse(text, source: TextInput.name(path))
            } catch {
                throw CLIFailure(error.description)
            }
            try ConsoleOutput.line("\(TextInput.name(path)): \(rules.count) rules, all valid")
        }
    }
}
