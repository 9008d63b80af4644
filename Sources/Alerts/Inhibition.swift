/// A cause that quiets its symptoms, in the spirit of Alertmanager's `inhibit_rules`: while an
/// alert of rule ``cause`` fires, the active alerts of the rules in ``symptoms`` that share its
/// values of the ``equal`` labels are its symptoms — still listed, grouped beneath it as one
/// incident, marked with their cause so that notifications can be quieted.
///
/// In a rules file:
///
/// ```yaml
/// inhibit_rules:
///   - cause: MemoryFull
///     symptoms: [EvictionsActive, CriticalKeysEvicted, LowHitRatio]
///     equal: [node]          # the default
/// ```
public struct Inhibition: Sendable, Hashable {
    /// The rule whose firing alert is the cause.
    public var cause: String
    /// The rules whose alerts it explains.
    public var symptoms: Set<String>
    /// The labels cause and symptom must share (`node` by default: one node's incident).
    public var equal: [String]

    /// Creates an inhibition.
    public init(cause: String, symptoms: Set<String>, equal: [String] = ["node"]) {
        self.cause = cause
        self.symptoms = symptoms
        self.equal = equal
    }

    /// Whether a firing `causing` alert explains `symptom`.
    public func explains(_ symptom: Alert, by causing: Alert) -> Bool {
        causing.name == cause && causing.state == .firing && symptoms.contains(symptom.name)
            && causing.identity != symptom.identity
            && equal.allSatisfy { causing.labels[$0] == symptom.labels[$0] }
    }
}
