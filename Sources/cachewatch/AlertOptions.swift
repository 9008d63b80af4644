import Alerts
import ArgumentParser
import Foundation

/// Which rules to evaluate: `--rules FILE`, else `$XDG_CONFIG_HOME/cachewatch/rules.yaml`
/// (or `~/.config/cachewatch/rules.yaml`) when it exists, else the built-in rules.
struct AlertOptions: ParsableArguments {
    @Option(name: .long, help: "Rules file (default: $XDG_CONFIG_HOME/cachewatch/rules.yaml, else the built-in rules).")
    var rules: String?

    @Flag(name: .customLong("no-rules"), help: "Evaluate no rules.")
    var noRules = false

    /// The rules to use, with their inhibitions; a file that cannot be used is an error, never a
    /// silent fallback.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RuleSet {
        if noRules { return RuleSet(rules: []) }
        let path =
            rules
            ?? Self.defaultPath(environment: environment).flatMap {
                FileManager.default.fileExists(atPath: $0) ? $0 : nil
            }
        guard let path else { return DefaultRules.ruleSet }
        return try Self.load(path: path)
    }

    /// The rules of the file at `path` (`-`: standard input); one line when it cannot be read or parsed.
    static func load(path: String) throws -> RuleSet {
        let text: String
        do { text = try TextInput.read(path) } catch { throw CLIFailure("cannot read rules file: \(error)") }
        do {
            return try RuleFile.parseRuleSet(text, source: TextInput.name(path))
        } catch {
            throw CLIFailure(error.description)
        }
    }

    private static func defaultPath(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/cachewatch/rules.yaml" }
        return environment["HOME"].map { $0 + "/.config/cachewatch/rules.yaml" }
    }
}
