import Foundation

/// What the dashboard shows of the rule engine: alerts, rule health and the latest events.
public struct AlertsSnapshot: Sendable {
    /// Firing alerts, most severe first.
    public var firing: [Alert]
    /// Pending alerts.
    public var pending: [Alert]
    /// The active alerts grouped by cause: each incident's firing cause with its symptoms.
    public var incidents: [Incident] = []
    /// The active alerts that are part of no incident (firing, then pending).
    public var others: [Alert] = []
    /// Rules that could not be evaluated, with reasons.
    public var unhealthy: [(rule: String, reason: String)]
    /// The newest events, newest first (bounded).
    public var recentEvents: [AlertEvent]
    /// How many rules are loaded.
    public var ruleCount: Int

    /// The snapshot of `engine` with `events` (newest last) as history.
    public init(engine: RuleEngine, events: [AlertEvent]) {
        firing = engine.firing
        pending = engine.pending
        (incidents, others) = engine.incidents
        unhealthy = engine.health.compactMap { name, health in
            if case .error(let reason) = health { return (name, reason) }
            return nil
        }.sorted { $0.rule < $1.rule }
        recentEvents = Array(events.suffix(50).reversed())
        ruleCount = engine.rules.count
    }
}
