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
    public var name: String
    /// Identity labels: the rule's labels plus `node`.
    public var labels: [String: String]
    /// The state.
    public var state: State
    /// How urgent.
    public var severity: Severity
    /// The value that last met the condition.
    public var value: Double
    /// The summary with the value filled in.
    public var summary: String
    /// When the condition started to hold.
    public var activeSince: Date
    /// When the alert fired, if it did.
    public var firedAt: Date?
    /// When the condition last held.
    public var lastTrue: Date

    /// The identity: name and sorted labels (annotations such as the summary are not part of it).
    public var identity: String { Self.identity(name: name, labels: labels) }

    static func identity(name: String, labels: [String: String]) -> String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
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
}

/// Whether a rule could be evaluated, apart from whether it fires.
public enum RuleHealth: Sendable, Hashable {
    /// Evaluated on every node.
    case ok
    /// Could not be evaluated somewhere, with the reason (metric unavailable, command denied).
    case error(String)
}
