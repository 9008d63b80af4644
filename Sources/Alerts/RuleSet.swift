/// A rules file's content: the rules, and the inhibitions that group their alerts into
/// incidents (``Inhibition``).
public struct RuleSet: Sendable, Hashable {
    /// The rules.
    public var rules: [AlertRule]
    /// Which firing alerts explain which others.
    public var inhibitions: [Inhibition]

    /// Creates a rule set.
    public init(rules: [AlertRule], inhibitions: [Inhibition] = []) {
        self.rules = rules
        self.inhibitions = inhibitions
    }
}
