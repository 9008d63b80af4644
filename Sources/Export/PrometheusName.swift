import Metrics

/// How the vocabulary is named in the Prometheus exposition, as each metric's declaration says
/// (``MetricDeclaration/prometheusName``). Rules exported for Prometheus use the same names.
public enum PrometheusName {
    /// The exposed name of `metric`.
    public static func of(_ metric: Metric) -> String { metric.declaration.prometheusName }

    /// A value of `metric` in the exposed unit (seconds for milliseconds).
    public static func value(_ value: Double, of metric: Metric) -> Double {
        metric.declaration.prometheusValue(value)
    }
}
