import Foundation

/// An alert the engine tracks: pending (condition true, `for` not yet passed) or firing.
public struct Alert: Sendable, Hashable {
    /// Pending or firing.
    public enum State: String, Sendable, Hashable {
        /// The condition holds; `for` has not passed yet.
        case pending
        /// The condition held for `for`.
        case firing
    }

    /// The rule's name.
    public var name: String { didSet { identity = Self.identity(name: name, labels: labels) } }
    /// Identity labels: the rule's labels plus `node`.
    public var labels: [String: String] { didSet { identity = Self.identity(name: name, labels: labels) } }
    /// The state.
    public var state: State
    /// How urgent.
    public var severity: Severity
    /// The value that last met the condition.
    public var value: Double
    /// The summary with the value filled in.
    public var summary: String
    /// What to do about it, filled in (empty when the rule says nothing).
    public var description = ""
    /// The rule's runbook, filled in (empty when it has none).
    public var runbookURL = ""
    /// When the condition started to hold.
    public var activeSince: Date
    /// When the alert fired, if it did.
    public var firedAt: Date?
    /// When the condition last held.
    public var lastTrue: Date
    /// The identity of the firing alert that causes this one (its root cause, through the rules'
    /// ``Inhibition``s), if any: the alert is a symptom of that incident, its notifications
    /// quieted. Set while pending and when it fires, then kept for its life (a notification's
    /// labels do not change). Not part of the identity.
    public var cause: String?
    /// The identity: name and sorted labels (annotations such as the summary are not part of
    /// it). Kept with the alert, since alerts are sorted and looked up by it every tick.
    public private(set) var identity: String

    /// Creates an alert of rule `name` with identity `labels`.
    public init(
        name: String, labels: [String: String], state: State, severity: Severity, value: Double, summary: String,
        activeSince: Date, firedAt: Date? = nil, lastTrue: Date
    ) {
        self.name = name
        self.labels = labels
        self.state = state
        self.severity = severity
        self.value = value
        self.summary = summary
        self.activeSince = activeSince
        self.firedAt = firedAt
        self.lastTrue = lastTrue
        identity = Self.identity(name: name, labels: labels)
    }

    /// The rule name of an identity (`MemoryFull{node=a}` → `MemoryFull`).
    public static func name(ofIdentity identity: String) -> String {
        String(identity.prefix { $0 != "{" })
    }

    /// `name{key=value,…}` with the labels in key order.
    static func identity(name: String, labels: [String: String]) -> String {
        var text = name
        text.append("{")
        for (index, label) in labels.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { text.append(",") }
            text.append(label.key)
            text.append("=")
            text.append(label.value)
        }
        text.append("}")
        return text
    }
}

/// A change worth reporting: an alert fired, or a firing alert resolved. (A pending alert that
/// clears is not an event: it simply disappears.)
public struct AlertEvent: Sendable, Hashable {
    /// Fired or resolved.
    public enum Kind: String, Sendable, Hashable {
        /// The alert started firing.
        case firing
        /// The alert stopped firing.
        case resolved
    }

    /// What happened.
    public var kind: Kind
    /// The alert (for `resolved`, as it was when it last fired).
    public var alert: Alert
    /// When it happened.
    public var time: Date

    /// Creates an event.
    public init(kind: Kind, alert: Alert, time: Date) {
        self.kind = kind
        self.alert = alert
        self.time = time
    }
}

/// Whether a rule could be evaluated, apart from whether it fires.
public enum RuleHealth: Sendable, Hashable {
    /// Evaluated on every node.
    case ok
    /// Could not be evaluated somewhere, with the reason (metric unavailable, command denied).
    case error(String)
}
