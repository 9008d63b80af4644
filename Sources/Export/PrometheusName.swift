import Metrics

/// How the vocabulary is named in the Prometheus exposition: `cachewatch_` and the metric's
/// name, with Prometheus's unit conventions where ours differ — `_per_sec` spelt `_per_second`,
/// milliseconds exposed in seconds (`ping_p99_ms` → `cachewatch_ping_p99_seconds`), as
/// `promtool check metrics` asks. Rules exported for Prometheus use the same names.
public enum PrometheusName {
    /// The exposed name of `metric`.
    public static func of(_ metric: Metric) -> String {
        var name = metric.rawValue
        if metric.unit == .milliseconds, name.hasSuffix("_ms") { name = String(name.dropLast(3)) + "_seconds" }
        if name.hasSuffix("_per_sec") { name = String(name.dropLast("_sec".count)) + "_second" }
        return "cachewatch_" + name
    }

    /// A value of `metric` in the exposed unit (seconds for milliseconds).
    public static func value(_ value: Double, of metric: Metric) -> Double {
        metric.unit == .milliseconds ? value / 1000 : value
    }
}
