import Foundation
import Metrics
import Yams

/// Reads rules from YAML:
///
/// ```yaml
/// rules:
///   - name: LowHitRatio
///     metric: hit_ratio        # a name of the metric vocabulary
///     below: 0.8               # or: above
///     over: 2m                 # window (optional) …
///     reduce: average          # … reduced by last | average | max | min | rate | change
///     for: 2m
///     keep_firing_for: 1m
///     severity: warning        # info | warning | critical
///     requires:                # further conditions, same keys
///       - metric: hits_per_sec
///         above: 10
///     labels: {team: cache}
///     namespaces: ["*session*"] # per-namespace metrics only: globs the namespace must match,
///                               # or `critical` for the file's critical_namespaces
///     summary: "hit ratio {{value}} below {{threshold}} on {{node}}"
///     description: "what to do about it"   # optional, for the person paged
///     runbook_url: "https://wiki/runbooks/{{name}}"   # optional
/// critical_namespaces: ["*session*", "*lock*"]  # optional: keys whose eviction breaks
///                                               # something ({{evictable_critical}} names them)
/// inhibit_rules:               # optional: a firing cause groups its symptoms (see Inhibition)
///   - cause: MemoryFull
///     symptoms: [EvictionsActive, LowHitRatio]
///     equal: [node]            # the default
/// ```
///
/// Every problem is reported with its line and column; unknown keys and metrics are errors.
public enum RuleFile {
    private static let ruleKeys: Set<String> = [
        "name", "metric", "above", "below", "over", "reduce", "for", "keep_firing_for", "severity", "requires",
        "labels", "namespaces", "summary", "description", "runbook_url",
    ]
    private static let conditionKeys: Set<String> = ["metric", "above", "below", "over", "reduce"]

    private static let inhibitionKeys: Set<String> = ["cause", "symptoms", "equal"]

    /// Parses a rules file's rules (its inhibitions are checked, not returned: see
    /// ``parseRuleSet(_:source:)``).
    ///
    /// - Parameter source: the name used in error messages (the file path).
    public static func parse(_ yaml: String, source: String = "rules") throws(RuleFileError) -> [AlertRule] {
        try parseRuleSet(yaml, source: source).rules
    }

    /// Parses a rules file: its rules and inhibitions.
    ///
    /// - Parameter source: the name used in error messages (the file path).
    public static func parseRuleSet(_ yaml: String, source: String = "rules") throws(RuleFileError) -> RuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw located(error, source: source)
        } catch {
            throw RuleFileError("\(error)", source: source)
        }
        guard let mapping = root?.mapping else {
            throw RuleFileError("expected a mapping with a 'rules' list", line: 1, column: 1, source: source)
        }
        var rules: [AlertRule] = []
        var names = Set<String>()
        var inhibitionNodes: Node?
        var critical = AlertRule.defaultCriticalNamespaces
        for (key, value) in mapping where key.string == "critical_namespaces" {
            guard let items = value.sequence, case let patterns = items.compactMap(\.string),
                patterns.count == items.count, !patterns.isEmpty
            else {
                throw error("'critical_namespaces' must be a list of patterns such as \"*session*\"", at: value, source)
            }
            critical = patterns
        }
        for (key, value) in mapping {
            if key.string == "inhibit_rules" {
                inhibitionNodes = value
                continue
            }
            if key.string == "critical_namespaces" { continue }
            guard key.string == "rules" else {
                throw error(
                    "unknown key '\(key.string ?? "?")' (expected 'rules', 'inhibit_rules' or 'critical_namespaces')",
                    at: key, source)
            }
            guard let list = value.sequence else { throw error("'rules' must be a list", at: value, source) }
            for item in list {
                let rule = try parseRule(item, critical: critical, source: source)
                guard names.insert(rule.name).inserted else {
                    throw error("duplicate rule name '\(rule.name)'", at: item, source)
                }
                rules.append(rule)
            }
        }
        var inhibitions: [Inhibition] = []
        if let inhibitionNodes {
            guard let list = inhibitionNodes.sequence else {
                throw error("'inhibit_rules' must be a list", at: inhibitionNodes, source)
            }
            for item in list { inhibitions.append(try parseInhibition(item, rules: names, source: source)) }
        }
        return RuleSet(rules: rules, inhibitions: inhibitions)
    }

    private static func parseInhibition(
        _ node: Node, rules: Set<String>, source: String
    ) throws(RuleFileError)
        -> Inhibition
    {
        let fields = try self.fields(of: node, allowed: inhibitionKeys, what: "inhibit rule", source: source)
        func names(_ key: String) throws(RuleFileError) -> [String]? {
            guard let node = fields[key] else { return nil }
            if let single = node.string { return [single] }
            guard let items = node.sequence, case let texts = items.compactMap(\.string), texts.count == items.count,
                !texts.isEmpty
            else { throw error("'\(key)' must be a list of names", at: node, source) }
            return texts
        }
        guard let causeNode = fields["cause"], let cause = causeNode.string else {
            throw error("an inhibit rule needs a 'cause' (a rule's name)", at: node, source)
        }
        guard rules.contains(cause) else {
            throw error("'\(cause)' is not a rule of this file", at: causeNode, source)
        }
        guard let symptoms = try names("symptoms") else {
            throw error("an inhibit rule needs 'symptoms' (rules' names)", at: node, source)
        }
        for symptom in symptoms where !rules.contains(symptom) || symptom == cause {
            throw error(
                symptom == cause ? "'\(cause)' cannot be its own symptom" : "'\(symptom)' is not a rule of this file",
                at: fields["symptoms"] ?? node, source)
        }
        return Inhibition(cause: cause, symptoms: Set(symptoms), equal: try names("equal") ?? ["node"])
    }

    /// The fields of a mapping (`each <what> must be a mapping`), every key one of `allowed`.
    private static func fields(
        of node: Node, allowed: Set<String>, what: String, source: String
    ) throws(RuleFileError) -> [String: Node] {
        guard let mapping = node.mapping else { throw error("each \(what) must be a mapping", at: node, source) }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string, allowed.contains(name) else {
                throw error(
                    "unknown key '\(key.string ?? "?")' (expected one of \(allowed.sorted().joined(separator: ", ")))",
                    at: key, source)
            }
            fields[name] = value
        }
        return fields
    }

    private static func parseRule(
        _ node: Node, critical: [String], source: String
    ) throws(RuleFileError) -> AlertRule {
        let fields = try self.fields(of: node, allowed: ruleKeys, what: "rule", source: source)
        guard let nameNode = fields["name"], let name = nameNode.string, !name.isEmpty else {
            throw error("a rule needs a 'name'", at: node, source)
        }
        let condition = try parseCondition(fields, at: node, rule: name, source: source)
        var requires: [AlertCondition] = []
        if let list = fields["requires"] {
            guard let items = list.sequence else {
                throw error("'requires' must be a list of conditions", at: list, source)
            }
            for item in items {
                guard let requirement = item.mapping else {
                    throw error("a requirement must be a mapping", at: item, source)
                }
                var requirementFields: [String: Node] = [:]
                for (key, value) in requirement {
                    guard let keyName = key.string, conditionKeys.contains(keyName) else {
                        throw error("unknown key '\(key.string ?? "?")' in a requirement of '\(name)'", at: key, source)
                    }
                    requirementFields[keyName] = value
                }
                requires.append(try parseCondition(requirementFields, at: item, rule: name, source: source))
            }
        }
        let label = condition.label
        for requirement in requires {
            guard let other = requirement.label else { continue }
            guard other == label else {
                throw error(
                    "'\(requirement.metric)' is per \(other): a requirement of '\(name)' can use it only when the rule's metric is per \(other) too",
                    at: node, source)
            }
        }
        var namespaces: [String] = []
        if let node = fields["namespaces"] {
            guard label == .namespace else {
                throw error("'namespaces' filters per-namespace metrics (namespace_*) only", at: node, source)
            }
            if node.string == "critical" {
                namespaces = critical
            } else {
                guard let items = node.sequence, let patterns = Optional(items.compactMap(\.string)),
                    patterns.count == items.count, !patterns.isEmpty
                else {
                    throw error(
                        "'namespaces' must be a list of patterns such as \"*session*\", or critical", at: node, source)
                }
                namespaces = patterns
            }
        }
        var severity = Severity.warning
        if let node = fields["severity"] {
            guard let text = node.string, let value = Severity(rawValue: text) else {
                throw error("severity must be info, warning or critical", at: node, source)
            }
            severity = value
        }
        var labels: [String: String] = [:]
        if let node = fields["labels"] {
            guard let pairs = node.mapping else { throw error("'labels' must be a mapping", at: node, source) }
            for (key, value) in pairs {
                guard let label = key.string, let text = value.string else {
                    throw error("labels are text: text", at: key, source)
                }
                guard !["node", "namespace", "cause"].contains(label) else {
                    throw error("'\(label)' is set by cachewatch itself", at: key, source)
                }
                labels[label] = text
            }
        }
        return AlertRule(
            name: name, condition: condition, requires: requires,
            forSeconds: try fields["for"].map { node throws(RuleFileError) in try duration(node, source) } ?? 0,
            keepFiringForSeconds: try fields["keep_firing_for"].map { node throws(RuleFileError) in
                try duration(node, source)
            } ?? 0,
            severity: severity, labels: labels, namespaces: namespaces, summary: fields["summary"]?.string ?? "",
            description: fields["description"]?.string ?? "", runbookURL: fields["runbook_url"]?.string ?? "",
            criticalNamespaces: critical)
    }

    private static func parseCondition(
        _ fields: [String: Node], at node: Node, rule: String, source: String
    ) throws(RuleFileError)
        -> AlertCondition
    {
        guard let metricNode = fields["metric"], let metric = metricNode.string else {
            throw error("'\(rule)' needs a 'metric'", at: node, source)
        }
        guard let key = SeriesKey(name: metric) else {
            throw error(
                "unknown metric '\(metric)' in '\(rule)' (see 'cachewatch rules --metrics')", at: metricNode, source)
        }
        let above = fields["above"]
        let below = fields["below"]
        guard (above == nil) != (below == nil), let thresholdNode = above ?? below else {
            throw error("'\(rule)' needs exactly one of 'above' and 'below'", at: node, source)
        }
        guard let threshold = thresholdNode.float else {
            throw error("the threshold must be a number", at: thresholdNode, source)
        }
        var window = 0.0
        if let node = fields["over"] {
            if let label = key.metric?.label {
                throw error(
                    "'\(metric)' is per \(label) and holds its newest value only: it takes no 'over'", at: node, source)
            }
            window = try duration(node, source)
        }
        var reduction: AlertCondition.Reduction = window > 0 ? .average : .last
        if let node = fields["reduce"] {
            guard let text = node.string, let value = AlertCondition.Reduction(rawValue: text) else {
                throw error(
                    "reduce must be one of \(AlertCondition.Reduction.allCases.map(\.rawValue).joined(separator: ", "))",
                    at: node, source)
            }
            reduction = value
        }
        return AlertCondition(
            metric: key, above != nil ? .above : .below, threshold, reduction: reduction, windowSeconds: window)
    }

    /// `30s`, `2m`, `1h`, `1d` or a number of seconds.
    private static func duration(_ node: Node, _ source: String) throws(RuleFileError) -> Double {
        guard let text = node.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw error("expected a duration such as 30s, 2m or 1h", at: node, source)
        }
        if let seconds = Double(text), seconds >= 0 { return seconds }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last.flatMap({ units[$0] }), let number = Double(text.dropLast()), number >= 0 else {
            throw error("'\(text)' is not a duration (use s, m, h or d, as in 90s or 5m)", at: node, source)
        }
        return number * unit
    }

    private static func error(_ message: String, at node: Node, _ source: String) -> RuleFileError {
        RuleFileError(message, line: node.mark?.line, column: node.mark?.column, source: source)
    }

    private static func located(_ error: YamlError, source: String) -> RuleFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return RuleFileError(problem, line: mark.line, column: mark.column, source: source)
        default:
            return RuleFileError(
                "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML", source: source)
        }
    }
}
