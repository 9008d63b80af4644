import Metrics

/// How urgent an alert is.
public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Worth knowing.
    case info
    /// Needs a look soon.
    case warning
    /// Needs action now.
    case critical

    /// Orders by urgency.
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// What a rule tests: a metric of the vocabulary, reduced over a window, against a threshold.
public struct AlertCondition: Sendable, Hashable {
    /// How the window's values are reduced to one number.
    public enum Reduction: String, Sendable, Hashable, CaseIterable {
        /// The newest value.
        case last
        /// The mean of the values present.
        case average
        /// The largest value.
        case max
        /// The smallest value.
        case min
        /// Newest minus oldest, per second.
        case rate
        /// Newest minus oldest.
        case change
    }

    /// Above or below the threshold.
    public enum Comparison: String, Sendable, Hashable {
        /// True when the value is greater than the threshold.
        case above
        /// True when the value is less than the threshold.
        case below
    }

    /// The series tested: a metric of the vocabulary or a per-database figure.
    public var metric: SeriesKey
    /// Above or below.
    public var comparison: Comparison
    /// The threshold.
    public var threshold: Double
    /// The reduction over ``windowSeconds``.
    public var reduction: Reduction
    /// The window in seconds (0: the newest value only).
    public var windowSeconds: Double

    /// Creates a condition.
    public init(
        metric: SeriesKey, _ comparison: Comparison, _ threshold: Double, reduction: Reduction = .last,
        windowSeconds: Double = 0
    ) {
        self.metric = metric
        self.comparison = comparison
        self.threshold = threshold
        self.reduction = reduction
        self.windowSeconds = windowSeconds
    }

    /// The label that tells the metric's instances apart (`namespace`), if it has one.
    public var label: MetricLabel? { metric.metric?.label }

    /// Whether `value` meets the condition.
    public func holds(for value: Double) -> Bool {
        comparison == .above ? value > threshold : value < threshold
    }
}

/// A threshold rule with Prometheus semantics: true for `for` seconds → firing; a firing alert
/// stays `keepFiringFor` seconds after its condition clears (against flapping).
public struct AlertRule: Sendable, Hashable {
    /// The alert name, e.g. `LowHitRatio`.
    public var name: String
    /// The condition.
    public var condition: AlertCondition
    /// Further conditions that must hold too (e.g. "there is real traffic").
    public var requires: [AlertCondition]
    /// Seconds the condition must hold before the alert fires.
    public var forSeconds: Double
    /// Seconds a firing alert stays firing after the condition clears.
    public var keepFiringForSeconds: Double
    /// How urgent.
    public var severity: Severity
    /// Extra labels (identity = name + labels + node).
    public var labels: [String: String]
    /// For a metric labelled by namespace: glob patterns (`*`, `?`, case-insensitive) the
    /// namespace must match; empty: every namespace.
    public var namespaces: [String]
    /// A one-line summary; `{{value}}`, `{{threshold}}` and every label (`{{node}}`,
    /// `{{namespace}}`) are filled in, and `{{top:<labelled metric>}}` with the node's three
    /// largest instances of that metric (`search:* 820/s, price:* 95/s`); on a rule on a slot
    /// metric, `{{slot_namespaces}}` with the namespaces that live in the slot.
    public var summary: String
    /// What to do about it, for the person paged: a paragraph, filled in as the summary is.
    public var description: String
    /// A link to the team's runbook for it (placeholders filled in as in the summary).
    public var runbookURL: String
    /// The namespaces of keys whose eviction breaks something — its rules file's
    /// `critical_namespaces`: what `{{evictable_critical}}` names.
    public var criticalNamespaces: [String]

    /// The critical namespaces of a rules file that names none (and of the built-in rules):
    /// sessions, locks, rate limits and quotas.
    public static let defaultCriticalNamespaces = [
        "*session*", "*sess:*", "*lock*", "*mutex*", "*ratelimit*", "*rate_limit*", "*rate-limit*", "*throttle*",
        "*quota*",
    ]

    /// Creates a rule.
    public init(
        name: String, condition: AlertCondition, requires: [AlertCondition] = [], forSeconds: Double = 0,
        keepFiringForSeconds: Double = 0, severity: Severity = .warning, labels: [String: String] = [:],
        namespaces: [String] = [], summary: String = "", description: String = "", runbookURL: String = "",
        criticalNamespaces: [String] = Self.defaultCriticalNamespaces
    ) {
        self.description = description
        self.runbookURL = runbookURL
        self.criticalNamespaces = criticalNamespaces
        self.name = name
        self.condition = condition
        self.requires = requires
        self.forSeconds = max(0, forSeconds)
        self.keepFiringForSeconds = max(0, keepFiringForSeconds)
        self.severity = severity
        self.labels = labels
        self.namespaces = namespaces
        self.summary = summary
    }
}

extension Array where Element == AlertRule {
    /// The history the rules read, in seconds: their longest `over` window (requirements
    /// included). A store that only feeds rules needs no more than this.
    public var horizonSeconds: Double {
        flatMap { [$0.condition] + $0.requires }.map(\.windowSeconds).max() ?? 0
    }
}
