import Alerts
import Foundation
import Metrics

/// What `watch --listen` serves at `/metrics`: every metric of the vocabulary as a gauge named
/// `cachewatch_<name>` with a `node` label (and `namespace`, `replica` or `slot` where the
/// metric has one), the server's monotonic counters as counters, per-database key counts, and
/// the rules' alerts as `cachewatch_alerts{alertname,severity,state,…} 1` in the manner of
/// Prometheus's `ALERTS` (a symptom with `cause`, its incident's root-cause rule). Built once per
/// tick from the engine's state; rendered per scrape.
///
/// Namespaces are capped per node (`namespaceLimit`, the biggest by estimated keys first):
/// the rest are counted in `cachewatch_namespaces_dropped`, so that a keyspace of 10,000
/// prefixes cannot blow up a Prometheus server's series count.
public struct PrometheusExposition: Sendable {
    /// One sample: where its label set is in ``labelText`` (written once per tick, escaped,
    /// shared by every metric of a node or instance) and its value.
    struct Sample: Sendable {
        let labels: Range<Int>
        let value: Double
    }

    /// A metric family: its name (without `_total` for counters), help, type and samples.
    struct Family: Sendable {
        enum Kind: String, Sendable { case gauge, counter }
        let name: String
        let help: String
        let kind: Kind
        var samples: [Sample] = []

        mutating func add(_ labels: Range<Int>, _ value: Double) {
            if value.isFinite { samples.append(Sample(labels: labels, value: value)) }
        }
    }

    /// The default cap on namespaces exposed per node.
    public static let defaultNamespaceLimit = 200

    /// The vocabulary in order, with exposed names and help (computed once).
    private static let vocabulary: [(metric: Metric, name: String)] = Metric.allCases.map {
        ($0, PrometheusName.of($0))
    }

    /// The metrics without a label, with their family's index.
    private static let unlabelled = vocabulary.enumerated().compactMap { index, entry in
        entry.metric.label == nil ? (index, entry.metric) : nil
    }

    /// Each metric's family index (its place in the vocabulary).
    private static let familyIndex = Dictionary(
        uniqueKeysWithValues: vocabulary.enumerated().map { ($0.element.metric, $0.offset) })

    /// The CPU time this exposition took to build (set by whoever built it and measured it).
    public var buildCPUTime: Duration = .zero

    private var families: [Family] = []
    /// Every label set of the exposition, back to back: `node="10.0.0.1:6379"`,
    /// `node="10.0.0.1:6379",namespace="session:*"`, an alert's labels.
    private var labelText: [UInt8] = []

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
        labelText.reserveCapacity(nodes.count * 2048)
        for node in nodes {
            addNode(
                node, into: &metrics, &counters, &databaseKeys, &databaseExpiring, dropped: &dropped,
                namespaceLimit: namespaceLimit)
        }
        var alertFamily = Family(
            name: "cachewatch_alerts",
            help: "Alerts of cachewatch's rules, pending or firing (1), labelled like Prometheus's ALERTS.",
            kind: .gauge)
        for alert in alerts.sorted(by: { $0.identity < $1.identity }) {
            var labels = [
                ("alertname", alert.name), ("severity", alert.severity.rawValue), ("state", alert.state.rawValue),
            ]
            for key in alert.labels.keys.sorted() where !["alertname", "severity", "state", "cause"].contains(key) {
                labels.append((key, alert.labels[key] ?? ""))
            }
            if let cause = alert.cause { labels.append(("cause", Alert.name(ofIdentity: cause))) }
            alertFamily.add(labelSet(labels), 1)
        }
        families =
            (metrics + [dropped, databaseKeys, databaseExpiring] + counters).filter { !$0.samples.isEmpty }
            + [alertFamily]
    }

    /// Adds one node's samples: its unlabelled metrics, its labelled ones (namespaces capped),
    /// its databases' key counts and its server counters.
    private mutating func addNode(
        _ node: borrowing NodeMetrics, into metrics: inout [Family], _ counters: inout [Family],
        _ databaseKeys: inout Family, _ databaseExpiring: inout Family, dropped: inout Family, namespaceLimit: Int
    ) {
        let name = node.node
        let nodeLabels = labelSet([("node", name)])
        for (index, metric) in Self.unlabelled {
            if metric == .up {
                metrics[index].add(nodeLabels, node.isUp ? 1 : 0)
            } else if let value = node.latest(metric) {
                metrics[index].add(nodeLabels, PrometheusName.value(value, of: metric))
            }
        }
        let droppedNamespaces = addLabelled(
            node, nodeLabel: Array(labelText[nodeLabels]), into: &metrics, namespaceLimit: namespaceLimit)
        dropped.add(nodeLabels, Double(droppedNamespaces))
        guard node.isUp, let info = node.lastInfo else { return }
        for (database, entry) in info.keyspace.sorted(by: { $0.key < $1.key }) {
            let labels = labelSet([("node", name), ("db", String(database))])
            databaseKeys.add(labels, Double(entry.keys))
            databaseExpiring.add(labels, Double(entry.expires))
        }
        // The server's counters, from the newest INFO.
        for (index, counter) in ServerCounter.allCases.enumerated() {
            if let value = counter.value(in: info) { counters[index].add(nodeLabels, value) }
        }
    }

    /// Writes `labels` (escaped, comma-separated) to ``labelText`` and returns where they are.
    private mutating func labelSet(_ labels: [(String, String)]) -> Range<Int> {
        let start = labelText.count
        for (index, (name, value)) in labels.enumerated() {
            if index > 0 { labelText.append(UInt8(ascii: ",")) }
            Self.appendLabel(name, value, to: &labelText)
        }
        return start..<labelText.count
    }

    /// Adds the labelled metrics of `node` (whose own label set is `nodeLabel`) to their
    /// families. For each label: every instance of its metrics in name order (namespaces capped
    /// at `namespaceLimit`, the most estimated keys first, then by name), each instance's label
    /// set written once, and each metric's values placed in that order by a binary search.
    /// Returns how many namespaces were left out.
    ///
    /// Instances are placed by comparing names, not hashing them: namespace names are short, and
    /// comparing two short ASCII strings takes a few instructions where hashing one took ~100 ns
    /// — with 50 nodes × 60 instances a tick, most of the build.
    private mutating func addLabelled(
        _ node: borrowing NodeMetrics, nodeLabel: [UInt8], into families: inout [Family], namespaceLimit limit: Int
    ) -> Int {
        let labelled = node.labelledInstances
        var droppedNamespaces = 0
        for label in MetricLabel.allCases {
            var members: [(family: Int, metric: Metric, values: [String: Double])] = []
            for (metric, values) in labelled where metric.label == label && !values.isEmpty {
                guard let family = Self.familyIndex[metric] else { continue }
                members.append((family, metric, values))
            }
            guard let first = members.first else { continue }
            // Every instance of the label in name order: the first metric's, and those of the
            // others that it lacks (most metrics of a label have the same instances).
            var names = first.values.keys.sorted()
            var others: [String] = []
            for member in members.dropFirst() {
                for name in member.values.keys where Self.place(of: name, in: names) == nil { others.append(name) }
            }
            if !others.isEmpty {
                var merged: [String] = []
                for name in (names + others).sorted() where merged.last != name { merged.append(name) }
                names = merged
            }
            // One column of values at a time, by the instance's place in `names`.
            var column = [Double?](repeating: nil, count: names.count)
            func fill(_ values: [String: Double]) {
                for index in column.indices { column[index] = nil }
                for (name, value) in values {
                    if let index = Self.place(of: name, in: names) { column[index] = value }
                }
            }
            var kept = [Bool](repeating: true, count: names.count)
            if label == .namespace, names.count > limit {
                fill(members.first { $0.metric == .namespaceKeys }?.values ?? [:])
                let ranked = names.indices.sorted { lhs, rhs in
                    let left = column[lhs] ?? -1
                    let right = column[rhs] ?? -1
                    return left != right ? left > right : lhs < rhs
                }
                for index in ranked.dropFirst(max(0, limit)) { kept[index] = false }
                droppedNamespaces = names.count - max(0, limit)
            }
            let labels = names.indices.map { kept[$0] ? labelSet(node: nodeLabel, label, names[$0]) : 0..<0 }
            for member in members {
                fill(member.values)
                for index in names.indices where kept[index] {
                    guard let value = column[index] else { continue }
                    families[member.family].add(labels[index], PrometheusName.value(value, of: member.metric))
                }
            }
        }
        return droppedNamespaces
    }

    /// Where `name` is in the sorted `names`, if it is there.
    private static func place(of name: String, in names: [String]) -> Int? {
        var (low, high) = (0, names.count)
        while low < high {
            let middle = (low + high) / 2
            if names[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low < names.count && names[low] == name ? low : nil
    }

    /// Writes `node="…",<label>="<instance>"` to ``labelText`` (the node's part as escaped
    /// already, `nodeLabel`) and returns where it is.
    private mutating func labelSet(node nodeLabel: [UInt8], _ label: MetricLabel, _ instance: String) -> Range<Int> {
        let start = labelText.count
        labelText.append(contentsOf: nodeLabel)
        labelText.append(UInt8(ascii: ","))
        Self.appendLabel(label.rawValue, instance, to: &labelText)
        return start..<labelText.count
    }

    /// The exposition in `format`, as text.
    public func render(_ format: ExpositionFormat) -> String { String(decoding: bytes(format), as: UTF8.self) }

    /// The exposition in `format`, as the bytes of a response body (no intermediate strings:
    /// 50 nodes are some 7,000 lines).
    public func bytes(_ format: ExpositionFormat, cost: ExpositionCost? = nil) -> [UInt8] {
        // Reserved generously: a body this size is mapped, not copied, and pages never written
        // are never touched, whereas growing it would copy what is written so far.
        var out = ExpositionBytes()
        out.bytes.reserveCapacity(families.reduce(0) { $0 + 256 + $1.samples.count * 128 })
        for family in families { Self.append(family, labels: labelText, format, to: &out) }
        if let cost {
            // The endpoint's own figures, with label sets of their own: the tick's are not copied.
            var costLabels: [UInt8] = []
            for family in Self.costFamilies(cost, labelText: &costLabels) {
                Self.append(family, labels: costLabels, format, to: &out)
            }
        }
        if format == .openMetrics { out.bytes += "# EOF\n".utf8 }
        return out.bytes
    }

    /// Appends `family` — its help, type and samples, whose label sets are in `labels`.
    private static func append(
        _ family: Family, labels labelText: [UInt8], _ format: ExpositionFormat, to out: inout ExpositionBytes
    ) {
        let sampleName = family.kind == .counter ? family.name + "_total" : family.name
        // The classic format names a counter's family as its samples; OpenMetrics without _total.
        let header = format == .openMetrics ? family.name : sampleName
        out.bytes += "# HELP ".utf8
        out.bytes += header.utf8
        out.bytes.append(0x20)
        out.bytes += escapeHelp(family.help, format).utf8
        out.bytes += "\n# TYPE ".utf8
        out.bytes += header.utf8
        out.bytes.append(0x20)
        out.bytes += family.kind.rawValue.utf8
        out.bytes.append(0x0A)
        let name = Array(sampleName.utf8) + [UInt8(ascii: "{")]
        for sample in family.samples {
            if sample.labels.isEmpty {
                out.bytes += name.dropLast()
                out.bytes.append(0x20)
            } else {
                out.bytes += name
                out.bytes += labelText[sample.labels]
                out.bytes += labelsEnd
            }
            appendNumber(sample.value, to: &out)
            out.bytes.append(0x0A)
        }
    }

    /// The endpoint's own cost and connections as families, their label sets added to `labelText`.
    private static func costFamilies(_ cost: ExpositionCost, labelText: inout [UInt8]) -> [Family] {
        var cpu = Family(
            name: "cachewatch_exposition_cpu_seconds",
            help:
                "CPU time cachewatch spent on /metrics: building the exposition each tick, rendering it, writing responses.",
            kind: .counter)
        for (phase, time) in [("build", cost.build), ("render", cost.render), ("write", cost.write)] {
            let start = labelText.count
            appendLabel("phase", phase, to: &labelText)
            let (seconds, attoseconds) = time.components
            cpu.add(start..<labelText.count, Double(seconds) + Double(attoseconds / 1_000_000_000) / 1e9)
        }
        var scrapes = Family(
            name: "cachewatch_scrapes", help: "Scrapes of /metrics answered with the exposition.", kind: .counter)
        scrapes.add(labelText.count..<labelText.count, Double(cost.scrapes))
        let stats = cost.connections
        var open = Family(
            name: "cachewatch_http_connections", help: "Connections to the metrics endpoint open now.", kind: .gauge)
        open.add(labelText.count..<labelText.count, Double(stats.open))
        var shed = Family(
            name: "cachewatch_http_connections_shed",
            help:
                "Connections to the metrics endpoint closed to make room when it was full, the oldest not being answered first.",
            kind: .counter)
        shed.add(labelText.count..<labelText.count, Double(stats.shed))
        var timeouts = Family(
            name: "cachewatch_http_timeouts",
            help:
                "Connections to the metrics endpoint closed by a timeout: a TLS handshake, a request header, an idle keep-alive or a response not taken in time.",
            kind: .counter)
        for phase in HTTPConnectionStats.Phase.allCases {
            let start = labelText.count
            appendLabel("phase", phase.rawValue, to: &labelText)
            timeouts.add(start..<labelText.count, Double(stats.timeouts[phase] ?? 0))
        }
        return [cpu, scrapes, open, shed, timeouts]
    }

    /// What closes a sample's labels.
    private static let labelsEnd: [UInt8] = Array("} ".utf8)

    /// Appends `name="value"`, the value with `\`, `"` and line feeds escaped.
    static func appendLabel(_ name: String, _ value: String, to out: inout [UInt8]) {
        var name = name
        var value = value
        // Both copied from their contiguous UTF-8 at once, not a byte at a time.
        name.withUTF8 { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "="))
        out.append(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            // Almost every value needs no escape.
            guard bytes.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 0x0A }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                default: out.append(byte)
                }
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
            var text = String(Int64(value))
            text.withUTF8 { out.bytes.append(contentsOf: $0) }
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
