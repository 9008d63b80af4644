import Foundation
import Metrics

/// Evaluates rules against the metric store with Prometheus alerting semantics.
///
/// `eval(now:store:)` is a pure step of a state machine: time and data are arguments, so tests
/// are step tables. Pending → firing after `for`; a pending alert that clears vanishes without an
/// event; a firing one resolves (one event) once its condition has been false for
/// `keep_firing_for`.
public struct RuleEngine: Sendable {
    /// The rules.
    public let rules: [AlertRule]
    /// Which firing alerts explain which others (``Incident``s).
    public let inhibitions: [Inhibition]
    /// Active alerts (pending and firing) by identity.
    public private(set) var active: [String: Alert] = [:]
    /// Health per rule name.
    public private(set) var health: [String: RuleHealth] = [:]
    /// Why a rule cannot be evaluated, per rule name and node (kept across partial evaluations).
    private var problems: [String: [String: String]] = [:]

    /// Creates an engine with no active alerts.
    public init(rules: [AlertRule], inhibitions: [Inhibition] = []) {
        self.rules = rules
        self.inhibitions = inhibitions
    }

    /// Takes `alerts` as the active ones (a replay shows the alerts of a recorded moment; the
    /// rules are not evaluated there).
    public mutating func restore(active alerts: [Alert]) {
        active = Dictionary(alerts.map { ($0.identity, $0) }, uniquingKeysWith: { _, newer in newer })
    }

    /// The active alerts as incidents (a firing cause with its symptoms, most severe first) and
    /// the alerts that are part of none (firing, then pending).
    public var incidents: (incidents: [Incident], others: [Alert]) {
        Incident.group(firing + pending, inhibitions: inhibitions)
    }

    /// Firing alerts, most severe first.
    public var firing: [Alert] {
        active.values.filter { $0.state == .firing }.sorted { ($0.severity, $0.identity) > ($1.severity, $1.identity) }
    }

    /// Pending alerts.
    public var pending: [Alert] { active.values.filter { $0.state == .pending }.sorted { $0.identity < $1.identity } }

    /// One evaluation at `now`; returns the events (fired, resolved) of this step.
    ///
    /// - Parameter nodes: evaluate only these nodes (those with new samples); the alerts of
    ///   the others stay as they are. `nil`: every node.
    public mutating func eval(now: Date, store: some SeriesReading, nodes: Set<String>? = nil) -> [AlertEvent] {
        var events: [AlertEvent] = []
        for rule in rules {
            for node in store.nodeNames where nodes?.contains(node) ?? true {
                problems[rule.name, default: [:]][node] = nil
                guard let metrics = store[node] else { continue }
                var labels = rule.labels
                labels["node"] = node
                if let label = rule.condition.label {
                    evaluateInstances(of: rule, label: label, labels: labels, on: metrics, now: now, events: &events)
                    continue
                }
                switch Self.evaluate(rule, on: metrics, now: now) {
                case .unavailable(let reason):
                    problems[rule.name, default: [:]][node] = reason
                // Unknown is not false: a firing alert stays as it is until data returns.
                case .value(let value, let holds):
                    step(rule, labels: labels, value: value, holds: holds, now: now, node: metrics, events: &events)
                }
            }
            let reasons = (problems[rule.name] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            health[rule.name] = reasons.isEmpty ? .ok : .error(reasons.joined(separator: "; "))
        }
        // A node no longer watched (it left the cluster): its pending alerts vanish, its
        // firing ones resolve now rather than hang on stale data.
        let watched = Set(store.nodeNames)
        for (identity, alert) in active.sorted(by: { $0.key < $1.key })
        where alert.labels["node"].map({ !watched.contains($0) }) ?? false {
            active[identity] = nil
            if alert.state == .firing { events.append(AlertEvent(kind: .resolved, alert: alert, time: now)) }
        }
        for rule in rules { problems[rule.name] = problems[rule.name]?.filter { watched.contains($0.key) } }
        // Each active alert's root cause, now that every rule has been evaluated; an alert that
        // fired in this step carries it in its event.
        if !inhibitions.isEmpty {
            let roots = Incident.rootCauses(of: Array(active.values), inhibitions: inhibitions)
            let fired = Set(events.filter { $0.kind == .firing }.map(\.alert.identity))
            for (identity, alert) in active where alert.state == .pending || fired.contains(identity) {
                active[identity]?.cause = roots[identity]?.identity
            }
            for index in events.indices where events[index].kind == .firing {
                events[index].alert.cause = active[events[index].alert.identity]?.cause
            }
        }
        return events
    }

    /// A rule on a labelled metric: one alert per instance (namespace). An instance that is no
    /// longer reported counts as false; a node without key sampling has no instances at all.
    private mutating func evaluateInstances(
        of rule: AlertRule, label: MetricLabel, labels: [String: String], on node: NodeMetrics, now: Date,
        events: inout [AlertEvent]
    ) {
        let filters = rule.namespaces.map(GlobPattern.init)
        var seen = Set<String>()
        // In order of instance, so that the events of one step come in the same order every time.
        for (instance, value) in (rule.condition.metric.metric.flatMap(node.instances) ?? [:]).sorted(by: {
            $0.key < $1.key
        })
        where filters.isEmpty || filters.contains(where: { $0.matches(instance) }) {
            var instanceLabels = labels
            instanceLabels[label.rawValue] = instance
            var holds = rule.condition.holds(for: value)
            for requirement in rule.requires where holds {
                let required =
                    requirement.label == label
                    ? requirement.metric.metric.flatMap(node.instances)?[instance]
                    : Self.reduce(requirement, node: node, now: now)
                holds = required.map(requirement.holds(for:)) ?? false
            }
            seen.insert(Alert.identity(name: rule.name, labels: instanceLabels))
            step(rule, labels: instanceLabels, value: value, holds: holds, now: now, node: node, events: &events)
        }
        for (identity, alert) in active.sorted(by: { $0.key < $1.key })
        where alert.name == rule.name && alert.labels["node"] == labels["node"] && !seen.contains(identity) {
            step(rule, labels: alert.labels, value: alert.value, holds: false, now: now, node: node, events: &events)
        }
    }

    /// One alert's transition: pending → firing after `for`; a pending one that clears
    /// vanishes; a firing one resolves once false for `keep_firing_for`.
    private mutating func step(
        _ rule: AlertRule, labels: [String: String], value: Double, holds: Bool, now: Date, node: NodeMetrics,
        events: inout [AlertEvent]
    ) {
        let identity = Alert.identity(name: rule.name, labels: labels)
        if holds {
            var alert =
                active[identity]
                ?? Alert(
                    name: rule.name, labels: labels, state: .pending, severity: rule.severity, value: value,
                    summary: "", activeSince: now, firedAt: nil, lastTrue: now)
            alert.value = value
            alert.lastTrue = now
            alert.summary = Self.fill(rule.summary, value: value, rule: rule, labels: labels, node: node)
            if !rule.description.isEmpty {
                alert.description = Self.fill(rule.description, value: value, rule: rule, labels: labels, node: node)
            }
            if !rule.runbookURL.isEmpty {
                alert.runbookURL = Self.fill(rule.runbookURL, value: value, rule: rule, labels: labels, node: node)
            }
            if alert.state == .pending && now.timeIntervalSince(alert.activeSince) >= rule.forSeconds {
                alert.state = .firing
                alert.firedAt = now
                events.append(AlertEvent(kind: .firing, alert: alert, time: now))
            }
            active[identity] = alert
        } else if let alert = active[identity] {
            if alert.state == .pending {
                active[identity] = nil
            } else if now.timeIntervalSince(alert.lastTrue) >= rule.keepFiringForSeconds {
                active[identity] = nil
                events.append(AlertEvent(kind: .resolved, alert: alert, time: now))
            }
        }
    }

    private enum Outcome {
        case value(Double, holds: Bool)
        case unavailable(String)
    }

    private static func evaluate(_ rule: AlertRule, on node: NodeMetrics, now: Date) -> Outcome {
        guard let value = reduce(rule.condition, node: node, now: now) else {
            // A metric this node has never had (replication on a primary) does not apply here;
            // one that is missing now, or missing because INFO is, makes the rule unhealthy.
            if node.lastInfo != nil && !node.hasSeries(rule.condition.metric) {
                return .value(0, holds: false)
            }
            // No time to a ceiling while nothing grows: false, not unknown.
            if rule.condition.metric.metric?.declaration.absentMeansNone == true { return .value(.nan, holds: false) }
            return .unavailable("\(rule.condition.metric) has no value")
        }
        var holds = rule.condition.holds(for: value)
        for requirement in rule.requires where holds {
            guard let required = reduce(requirement, node: node, now: now) else { return .value(value, holds: false) }
            holds = requirement.holds(for: required)
        }
        return .value(value, holds: holds)
    }

    /// The condition's value on a node at `now`, or `nil` when the window has no value.
    static func reduce(_ condition: AlertCondition, node: NodeMetrics, now: Date) -> Double? {
        if condition.windowSeconds <= 0 || condition.reduction == .last {
            return node.latest(condition.metric)
        }
        let points = node.points(condition.metric, since: now.timeIntervalSince1970 - condition.windowSeconds)
        guard let first = points.first, let last = points.last else { return nil }
        switch condition.reduction {
        case .last: return last.value
        case .average: return points.reduce(0) { $0 + $1.value } / Double(points.count)
        case .max: return points.map(\.value).max()
        case .min: return points.map(\.value).min()
        case .change: return last.value - first.value
        case .rate:
            guard last.time > first.time else { return nil }
            return (last.value - first.value) / (last.time - first.time)
        }
    }

    /// The most instances `{{top:<metric>}}` names.
    static let topInstances = 3

    private static func fill(
        _ template: String, value: Double, rule: AlertRule, labels: [String: String], node: NodeMetrics
    ) -> String {
        // Counts read whole: an estimate of 2,967.1 keys is "2967" in a sentence.
        let isCount = rule.condition.metric.metric?.unit == .count
        return SummaryTemplate.render(template) { name in
            switch name {
            case "value": return ValueFormatting.plain(isCount ? value.rounded() : value)
            case "value_duration": return ValueFormatting.duration(seconds: value)
            case "evictable_critical": return evictableCritical(on: node, patterns: rule.criticalNamespaces)
            case "threshold": return ValueFormatting.plain(rule.condition.threshold)
            case "name": return rule.name
            default: break
            }
            if let label = labels[String(name)] { return label }
            if name == "slot_namespaces" { return slotNamespaces(labels["slot"], on: node) }
            if name.hasPrefix("top:"), let metric = Metric(name: String(name.dropFirst(4))), metric.label != nil {
                return top(metric, on: node)
            }
            return nil
        }
    }

    /// `{{slot_namespaces}}`: the namespaces of the alert's slot with how many of the keys
    /// looked up each holds (`price:* 58, user:* 3`).
    static func slotNamespaces(_ slot: String?, on node: NodeMetrics) -> String {
        guard let slot = slot.flatMap(Int.init), let namespaces = node.namespaces(inSlot: slot) else {
            return "not looked up yet"
        }
        guard !namespaces.isEmpty else { return "none" }
        return namespaces.prefix(topInstances).map { "\($0.namespace) \($0.keys)" }.joined(separator: ", ")
            + (namespaces.count > topInstances ? ", …" : "")
    }

    /// `{{evictable_critical}}`: under an `allkeys-*` policy, the sampled critical namespaces
    /// (`patterns`: the rules file's ``AlertRule/criticalNamespaces``) with their keys and how
    /// much likelier than the average key they are to be evicted, those evicted first first;
    /// "none" when the policy spares keys without a TTL or no critical namespace is sampled; "not
    /// known" without key sampling.
    static func evictableCritical(on node: NodeMetrics, patterns: [String]) -> String {
        guard let allkeys = node.latestValues[metric: .allkeysPolicy] else { return "not known" }
        guard allkeys > 0.5 else { return "none (its policy evicts only keys with a TTL, or none)" }
        guard let keys = node.instances(.namespaceKeys) else { return "not known (no key sampling)" }
        let patterns = patterns.map(GlobPattern.init)
        // Those evicted first first: the most keys weighed by how much likelier than the average
        // key they are to go (idle or rarely used ones, under LRU or LFU).
        let propensity = node.instances(.namespaceEvictionPropensity) ?? [:]
        let critical = keys.filter { entry in entry.value > 0 && patterns.contains { $0.matches(entry.key) } }
            .map { (name: $0.key, keys: $0.value, propensity: propensity[$0.key]) }
            .sorted { ($0.keys * ($0.propensity ?? 1), $1.name) > ($1.keys * ($1.propensity ?? 1), $0.name) }
            .prefix(topInstances)
        guard !critical.isEmpty else { return "none" }
        return critical.map { entry in
            let likelier = entry.propensity.map { ", \(String(format: "%.1f", $0))× the average eviction risk" } ?? ""
            return "\(entry.name) (~\(ValueFormatting.count(entry.keys)) keys\(likelier))"
        }
        .joined(separator: ", ")
    }

    /// `{{top:<labelled metric>}}`: its largest instances on the node with their values
    /// (`search:* 820/s, price:* 95/s`); "none" when none is above 0; "not known" when the
    /// node has no such figures (keyspace events off, no key sampling).
    static func top(_ metric: Metric, on node: NodeMetrics) -> String {
        guard let instances = node.instances(metric) else {
            return metric.comesFromKeyspaceEvents ? "not known (keyspace events off)" : "not known"
        }
        let largest = instances.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(topInstances)
        guard !largest.isEmpty else { return "none" }
        return largest.map { entry in
            switch metric.unit {
            case .bytesPerSecond: return "\(entry.key) \(ValueFormatting.bytes(entry.value))/s"
            case .perSecond: return "\(entry.key) \(ValueFormatting.plain(entry.value))/s"
            default: return "\(entry.key) \(ValueFormatting.plain(entry.value))"
            }
        }
        .joined(separator: ", ")
    }
}
