/// The unit of a ``Metric``, as documented (`cachewatch rules --metrics`).
public enum MetricUnit: String, Sendable, Hashable, CaseIterable {
    /// 0 or 1: a state.
    case flag = "0/1"
    /// Events per second.
    case perSecond = "1/s"
    /// A ratio from 0 upwards (1 = 100 %, or as large as the baseline allows for spike ratios).
    case ratio
    /// Bytes.
    case bytes
    /// Bytes per second.
    case bytesPerSecond = "bytes/s"
    /// A number of things.
    case count
    /// Seconds.
    case seconds = "s"
    /// Milliseconds.
    case milliseconds = "ms"
    /// Percent of a core.
    case percent
}
