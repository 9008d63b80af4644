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
    /// A sample's labels: the node's, the node's and one more (the common cases, kept without
    /// an array each), or any list (alerts).
    enum Labels: Sendable {
        case node(String)
        case nodeAnd(String, name: String, value: String)
        case list([(String, String)])
    }

    /// A metric family: its name (without `_total` for counters), help, type and samples.
    struct Family: Sendable {
        enum Kind: String, Sendable { case gauge, counter }
        let name: String
        let help: String
        let kind: Kind
        var samples: [(labels: Labels, value: Double)] = []

        mutating func add(_ labels: Labels, _ value: Double) {
            if value.isFinite { samples.append((labels, value)) }
        }
    }

    /// The default cap on namespaces exposed per node.
    public static let defaultNamespaceLimit = 200

    /// The vocabulary in order, with exposed names and help (computed once).
    private static let vocabulary: [(metric: Metric, name: String)] = Metric.allCases.map {
        ($0, PrometheusName.of($0))
    }

    private var families: [Family] = []

    /// Builds the exposition of `nodes` (in the order given) and the rules' active `alerts`.
    public init(nodes: [NodeMetrics], alerts: [Alert], namespaceLimit: Int = Self.defaultNamespaceLimit) {
        // Families in vocabulary order, then the extra ones; each filled by index, not by name.
        var metrics = Self.vocabulary.map { Family(name: $0.name, help: $0.metric.help, kind: .gauge) }
        var dropped = Family(
            name: "cachewatch_namespaces_dropped",
            help: "Namespaces of the node left out of this exposition by the namespace cap.", kind: .gauge)
        var databaseKeys = Family(
            name: "cachewatch_db_keys", help: "Keys in the database (INFO keyspace).", kind: .gauge)
        var databaseExpiring = Family(
            name: "cachewatch_db_keys_with_expiry", help: "Keys with a TTL in the database (INFO keyspace).",
            kind: .gauge)
        var counters = ServerCounter.allCases.map { Family(name: $0.familyName, help: $0.help, kind: .counter) }
        for node in nodes {
            let name = node.node
            let isUp = node.isUp
            // Each label's instance names, sorted once per node rather than once per metric.
            let instanceNames = Self.instanceNames(node, namespaceLimit: namespaceLimit)
            for (index, entry) in Self.vocabulary.enumerated() {
                let metric = entry.metric
                guard let label = metric.label else {
                    if metric == .up {
                        metrics[index].add(.node(name), isUp ? 1 : 0)
                    } else if let value = node.latest(.metric(metric)) {
                        metrics[index].add(.node(name), PrometheusName.value(value, of: metric))
                    }
                    continue
                }
                guard let instances = node.instances(metric), !instances.isEmpty else { continue }
                for instance in instanceNames.sorted[label] ?? [] {
                    guard let value = instances[instance] else { continue }
                    metrics[index].add(
                        .nodeAnd(name, name: label.rawValue, value: instance), PrometheusName.value(value, of: metric))
                }
            }
            dropped.add(.node(name), Double(instanceNames.droppedNamespaces))
            if let info = node.lastInfo, isUp {
                for (database, entry) in info.keyspace.sorted(by: { $0.key < $1.key }) {
                    databaseKeys.add(.nodeAnd(name, name: "db", value: String(database)), Double(entry.keys))
                    databaseExpiring.add(.nodeAnd(name, name: "db", value: String(database)), Double(entry.expires))
                }
                // The server's counters, from the newest INFO.
                for (index, counter) in ServerCounter.allCases.enumerated() {
                    if let value = counter.value(in: info) { counters[index].add(.node(name), value) }
                }
            }
        }
        var alertFamily = Family(
            name: "cachewatch_alerts",
            help: "Alerts of cachewatch's rules, pending or firing (1), labelled like Prometheus's ALERTS.",
            kind: .gauge)
        for alert in alerts.sorted(by: { $0.identity < $1.identity }) {
            var labels = [
                ("alertname", alert.name), ("severity", alert.severity.rawValue), ("state", alert.state.rawValue),
            ]
            for key in alert.labels.keys.sorted() where !["alertname", "severity", "state"].contains(key) {
                labels.append((key, alert.labels[key] ?? ""))
            }
            alertFamily.add(.list(labels), 1)
        }
        families =
            (metrics + [dropped, databaseKeys, databaseExpiring] + counters).filter { !$0.samples.isEmpty }
            + [alertFamily]
    }

    /// The instance names of each label on `node`, sorted, namespaces capped at
    /// `namespaceLimit` (the most estimated keys, then by name), and how many namespaces were
    /// left out.
    private static func instanceNames(
        _ node: NodeMetrics, namespaceLimit limit: Int
    ) -> (
        sorted: [MetricLabel: [String]], droppedNamespaces: Int
    ) {
        var all: [MetricLabel: Set<String>] = [:]
        for entry in vocabulary {
            guard let label = entry.metric.label, let instances = node.instances(entry.metric) else { continue }
            all[label, default: []].formUnion(instances.keys)
        }
        var sorted = all.mapValues { $0.sorted() }
        guard let namespaces = sorted[.namespace], namespaces.count > limit else { return (sorted, 0) }
        let keys = node.instances(.namespaceKeys) ?? [:]
        let kept = Set(
            namespaces.sorted { lhs, rhs in
                let left = keys[lhs] ?? -1
                let right = keys[rhs] ?? -1
                return left != right ? left > right : lhs < rhs
            }.prefix(max(0, limit)))
        sorted[.namespace] = namespaces.filter(kept.contains)
        return (sorted, namespaces.count - kept.count)
    }

    /// The exposition in `format`, as text.
    public func render(_ format: ExpositionFormat) -> String { String(decoding: bytes(format), as: UTF8.self) }

    /// The exposition in `format`, as the bytes of a response body (no intermediate strings:
    /// 50 nodes are some 7,000 lines).
    public func bytes(_ format: ExpositionFormat) -> [UInt8] {
        // Reserved generously: a body this size is mapped, not copied, and pages never written
        // are never touched, whereas growing it would copy what is written so far.
        var out = ExpositionBytes()
        out.bytes.reserveCapacity(families.reduce(0) { $0 + 256 + $1.samples.count * 128 })
        for family in families {
            let sampleName = family.kind == .counter ? family.name + "_total" : family.name
            // The classic format names a counter's family as its samples; OpenMetrics without _total.
            let header = format == .openMetrics ? family.name : sampleName
            out.bytes += "# HELP ".utf8
            out.bytes += header.utf8
            out.bytes.append(0x20)
            out.bytes += Self.escapeHelp(family.help, format).utf8
            out.bytes += "\n# TYPE ".utf8
            out.bytes += header.utf8
            out.bytes.append(0x20)
            out.bytes += family.kind.rawValue.utf8
            out.bytes.append(0x0A)
            let name = Array(sampleName.utf8)
            for sample in family.samples {
                out.bytes += name
                out.bytes.append(UInt8(ascii: "{"))
                switch sample.labels {
                case .node(let node):
                    Self.appendLabel("node", node, to: &out.bytes)
                case .nodeAnd(let node, let name, let value):
                    Self.appendLabel("node", node, to: &out.bytes)
                    out.bytes.append(UInt8(ascii: ","))
                    Self.appendLabel(name, value, to: &out.bytes)
                case .list(let labels):
                    for (index, (name, value)) in labels.enumerated() {
                        if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
                        Self.appendLabel(name, value, to: &out.bytes)
                    }
                }
                out.bytes += "} ".utf8
                Self.appendNumber(sample.value, to: &out)
                out.bytes.append(0x0A)
            }
        }
        if format == .openMetrics { out.bytes += "# EOF\n".utf8 }
        return out.bytes
    }

    /// Appends `name="value"`, the value with `\`, `"` and line feeds escaped.
    static func appendLabel(_ name: String, _ value: String, to out: inout [UInt8]) {
        out += name.utf8
        out += "=\"".utf8
        // Almost every value needs no escape: one copy, not a byte at a time.
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 0x0A }) else {
            out += value.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A sample value: integers without a fraction (a small string: no allocation), others as
    /// Swift prints a `Double` (the shortest text that reads back the same value), written from
    /// the formatter's own buffer rather than through a `String`.
    static func number(_ value: Double) -> String {
        var out = ExpositionBytes()
        appendNumber(value, to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Appends `value` as `number(_:)` writes it.
    static func appendNumber(_ value: Double, to out: inout ExpositionBytes) {
        if value == value.rounded(), abs(value) < 1e15 {
            out.bytes += String(Int64(value)).utf8
        } else {
            value.write(to: &out)
        }
    }

    /// Help text with `\` and line feeds escaped (and `"` in OpenMetrics).
    static func escapeHelp(_ text: String, _ format: ExpositionFormat) -> String {
        // Most help has nothing to escape: no Foundation search per family and scrape.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0x0A || $0 == UInt8(ascii: "\"") }) else {
            return text
        }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        return format == .openMetrics ? escaped.replacingOccurrences(of: "\"", with: "\\\"") : escaped
    }
}
