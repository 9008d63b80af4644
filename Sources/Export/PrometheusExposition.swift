import Alerts
import Foundation
import Metrics

/// What `watch --listen` serves at `/metrics`: every metric of the vocabulary as a gauge named
/// `cachewatch_<name>` with a `node` label (and `namespace`, `replica` or `slot` where the
/// metric has one), the server's monotonic counters as counters, per-database key counts, and
/// the rules' alerts as `cachewatch_alerts{alertname,severity,state,…} 1` in the manner of
/// Prometheus's `ALERTS`. Built once per tick from the engine's state; rendered per scrape.
///
/// Namespaces are capped per node (`namespaceLimit`, the biggest by estimated keys first):
/// the rest are counted in `cachewatch_namespaces_dropped`, so that a keyspace of 10,000
/// prefixes cannot blow up a Prometheus server's series count.
public struct PrometheusExposition: Sendable {
    /// A metric family: its name (without `_total` for counters), help, type and samples.
    struct Family: Sendable {
        enum Kind: String, Sendable { case gauge, counter }
        let name: String
        let help: String
        let kind: Kind
        var samples: [(labels: [(String, String)], value: Double)] = []
    }

    /// The default cap on namespaces exposed per node.
    public static let defaultNamespaceLimit = 200

    private var families: [Family] = []

    /// The families, for tests.
    var familyNames: [String] { families.map(\.name) }

    /// Builds the exposition of `nodes` (in the order given) and the rules' active `alerts`.
    public init(nodes: [NodeMetrics], alerts: [Alert], namespaceLimit: Int = Self.defaultNamespaceLimit) {
        var byName: [String: Family] = [:]
        var order: [String] = []
        func add(_ name: String, _ help: String, _ kind: Family.Kind, _ labels: [(String, String)], _ value: Double) {
            guard value.isFinite else { return }
            if byName[name] == nil {
                byName[name] = Family(name: name, help: help, kind: kind)
                order.append(name)
            }
            byName[name]!.samples.append((labels, value))
        }
        // Families in vocabulary order, whatever order nodes report them in.
        for metric in Metric.allCases {
            let name = PrometheusName.of(metric)
            order.append(name)
            byName[name] = Family(name: name, help: metric.help, kind: .gauge)
        }
        for node in nodes {
            let nodeLabel = [("node", node.node)]
            let latest = node.latestValues
            for metric in Metric.perNode {
                if metric == .up {
                    add("cachewatch_up", metric.help, .gauge, nodeLabel, node.isUp ? 1 : 0)
                } else if let value = latest[.metric(metric)] {
                    add(
                        PrometheusName.of(metric), metric.help, .gauge, nodeLabel,
                        PrometheusName.value(value, of: metric))
                }
            }
            // Labelled metrics; namespaces capped by size.
            let kept = Self.keptNamespaces(node, limit: namespaceLimit)
            for metric in Metric.allCases {
                guard let label = metric.label, let instances = node.instances(metric) else { continue }
                for instance in instances.keys.sorted() {
                    if label == .namespace, !kept.names.contains(instance) { continue }
                    guard let value = instances[instance] else { continue }
                    add(
                        PrometheusName.of(metric), metric.help, .gauge, nodeLabel + [(label.rawValue, instance)],
                        PrometheusName.value(value, of: metric))
                }
            }
            add(
                "cachewatch_namespaces_dropped",
                "Namespaces of the node left out of this exposition by the namespace cap.", .gauge, nodeLabel,
                Double(kept.dropped))
            // Per-database key counts.
            for key in latest.keys.sorted() {
                guard case .database(let index, let figure) = key, let value = latest[key] else { continue }
                let help =
                    figure == .keys
                    ? "Keys in the database (INFO keyspace)." : "Keys with a TTL in the database (INFO keyspace)."
                add("cachewatch_db_\(figure.rawValue)", help, .gauge, nodeLabel + [("db", String(index))], value)
            }
            // The server's counters, from the newest INFO.
            if node.isUp, let info = node.lastInfo {
                for counter in ServerCounter.allCases {
                    guard let value = counter.value(in: info) else { continue }
                    add(counter.familyName, counter.help, .counter, nodeLabel, value)
                }
            }
        }
        let alertHelp =
            "Alerts of cachewatch's rules, pending or firing (1), labelled like Prometheus's ALERTS."
        byName["cachewatch_alerts"] = Family(name: "cachewatch_alerts", help: alertHelp, kind: .gauge)
        order.append("cachewatch_alerts")
        for alert in alerts.sorted(by: { $0.identity < $1.identity }) {
            var labels = [
                ("alertname", alert.name), ("severity", alert.severity.rawValue), ("state", alert.state.rawValue),
            ]
            for key in alert.labels.keys.sorted() where !["alertname", "severity", "state"].contains(key) {
                labels.append((key, alert.labels[key] ?? ""))
            }
            add("cachewatch_alerts", alertHelp, .gauge, labels, 1)
        }
        var seen = Set<String>()
        families = order.compactMap { name in
            guard seen.insert(name).inserted, let family = byName[name],
                !family.samples.isEmpty || name == "cachewatch_alerts"
            else { return nil }
            return family
        }
    }

    /// The namespaces kept for `node` (the `limit` with the most estimated keys, then by name)
    /// and how many were left out.
    private static func keptNamespaces(_ node: NodeMetrics, limit: Int) -> (names: Set<String>, dropped: Int) {
        var all = Set<String>()
        for metric in Metric.allCases where metric.label == .namespace {
            if let instances = node.instances(metric) { all.formUnion(instances.keys) }
        }
        guard all.count > limit else { return (all, 0) }
        let keys = node.instances(.namespaceKeys) ?? [:]
        let ranked = all.sorted { lhs, rhs in
            let left = keys[lhs] ?? -1
            let right = keys[rhs] ?? -1
            return left != right ? left > right : lhs < rhs
        }
        return (Set(ranked.prefix(max(0, limit))), all.count - max(0, limit))
    }

    /// The exposition in `format`, as text.
    public func render(_ format: ExpositionFormat) -> String { String(decoding: bytes(format), as: UTF8.self) }

    /// The exposition in `format`, as the bytes of a response body (no intermediate strings:
    /// 50 nodes are some 7,000 lines).
    public func bytes(_ format: ExpositionFormat) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(families.reduce(0) { $0 + 160 + $1.samples.count * 64 })
        for family in families {
            let sampleName = family.kind == .counter ? family.name + "_total" : family.name
            // The classic format names a counter's family as its samples; OpenMetrics without _total.
            let header = format == .openMetrics ? family.name : sampleName
            out += "# HELP ".utf8
            out += header.utf8
            out.append(0x20)
            out += Self.escapeHelp(family.help, format).utf8
            out += "\n# TYPE ".utf8
            out += header.utf8
            out.append(0x20)
            out += family.kind.rawValue.utf8
            out.append(0x0A)
            let name = Array(sampleName.utf8)
            for sample in family.samples {
                out += name
                if !sample.labels.isEmpty {
                    out.append(UInt8(ascii: "{"))
                    for (index, (label, value)) in sample.labels.enumerated() {
                        if index > 0 { out.append(UInt8(ascii: ",")) }
                        out += label.utf8
                        out += "=\"".utf8
                        Self.appendEscapedLabel(value, to: &out)
                        out.append(UInt8(ascii: "\""))
                    }
                    out.append(UInt8(ascii: "}"))
                }
                out.append(0x20)
                out += Self.number(sample.value).utf8
                out.append(0x0A)
            }
        }
        if format == .openMetrics { out += "# EOF\n".utf8 }
        return out
    }

    /// Appends a label value with `\`, `"` and line feeds escaped.
    static func appendEscapedLabel(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: out.append(byte)
            }
        }
    }

    /// A sample value: integers without a fraction, others as Swift prints a `Double`.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Help text with `\` and line feeds escaped (and `"` in OpenMetrics).
    static func escapeHelp(_ text: String, _ format: ExpositionFormat) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        return format == .openMetrics ? escaped.replacingOccurrences(of: "\"", with: "\\\"") : escaped
    }
}
