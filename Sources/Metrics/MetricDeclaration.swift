/// Everything said about one ``Metric``, in one place: ``Metric/declarations`` holds one per
/// metric, and every table, switch and output derives from it.
public struct MetricDeclaration: Sendable, Hashable {
    /// The name in metric lines, CSV headers, rules files and JSON (`ops_per_sec`).
    public let name: String
    /// The unit.
    public let unit: MetricUnit
    /// The label that tells instances apart, or `nil` for one value per node.
    public let label: MetricLabel?
    /// Where the values come from.
    public let source: MetricSource
    /// What the metric measures, in one line.
    public let help: String
    /// The name in the Prometheus exposition and in exported Prometheus rules.
    public let prometheusName: String
    /// Whether no value is an answer: a time to a ceiling is absent while nothing grows, so a
    /// rule on it is false then, not unhealthy.
    public let absentMeansNone: Bool

    /// Declares a metric.
    ///
    /// - Parameters:
    ///   - name: its name (snake case).
    ///   - unit: its unit.
    ///   - label: the label of its instances, if it has several per node.
    ///   - source: where its values come from.
    ///   - help: one line saying what it measures.
    ///   - absentMeansNone: whether its absence is an answer (see ``absentMeansNone``).
    ///   - prometheusName: its exposed name; by default `cachewatch_` and `name` with Prometheus's
    ///     unit conventions where ours differ — `_per_sec` spelt `_per_second`, milliseconds
    ///     exposed in seconds (`ping_p99_ms` → `cachewatch_ping_p99_seconds`), as
    ///     `promtool check metrics` asks.
    public init(
        _ name: String, _ unit: MetricUnit, per label: MetricLabel? = nil, from source: MetricSource,
        _ help: String, absentMeansNone: Bool = false, prometheusName: String? = nil
    ) {
        self.name = name
        self.absentMeansNone = absentMeansNone
        self.unit = unit
        self.label = label
        self.source = source
        self.help = help
        self.prometheusName = prometheusName ?? Self.prometheusSpelling(of: name, unit: unit)
    }

    /// A value in the exposed unit (seconds for milliseconds).
    public func prometheusValue(_ value: Double) -> Double {
        unit == .milliseconds ? value / 1000 : value
    }

    private static func prometheusSpelling(of name: String, unit: MetricUnit) -> String {
        var spelt = name
        if unit == .milliseconds, spelt.hasSuffix("_ms") { spelt = String(spelt.dropLast(3)) + "_seconds" }
        if spelt.hasSuffix("_per_sec") { spelt = String(spelt.dropLast("_sec".count)) + "_second" }
        return "cachewatch_" + spelt
    }
}
