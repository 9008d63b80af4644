/// Alerts that are one incident: a firing cause and the active alerts it explains (its
/// symptoms, through ``Inhibition``s — transitively: a symptom's own symptoms are the root
/// cause's too). What on-call engineers need first: the cause, then what follows from it.
public struct Incident: Sendable, Hashable {
    /// The root cause (firing, explained by no other).
    public var cause: Alert
    /// Its symptoms, most severe first.
    public var symptoms: [Alert]

    /// Creates an incident.
    public init(cause: Alert, symptoms: [Alert]) {
        self.cause = cause
        self.symptoms = symptoms
    }

    /// The root cause of each active alert that has one, by the alert's identity: the firing
    /// alert that explains it, followed up to one that nothing explains.
    public static func rootCauses(of alerts: [Alert], inhibitions: [Inhibition]) -> [String: Alert] {
        guard !inhibitions.isEmpty else { return [:] }
        let firing = alerts.filter { $0.state == .firing }
        // The direct cause of each alert: the first firing alert (by identity) that explains it.
        var direct: [String: Alert] = [:]
        for alert in alerts {
            let causes = firing.filter { causing in inhibitions.contains { $0.explains(alert, by: causing) } }
            if let cause = causes.min(by: { $0.identity < $1.identity }) { direct[alert.identity] = cause }
        }
        var roots: [String: Alert] = [:]
        for alert in alerts {
            guard var root = direct[alert.identity] else { continue }
            // Up the chain to a cause nothing explains (a cycle stops where it closes).
            var visited: Set<String> = [alert.identity, root.identity]
            while let next = direct[root.identity], visited.insert(next.identity).inserted { root = next }
            if root.identity != alert.identity { roots[alert.identity] = root }
        }
        return roots
    }

    /// The incidents among `alerts`, most severe cause first, and the alerts that are part of
    /// none, in their order.
    public static func group(_ alerts: [Alert], inhibitions: [Inhibition]) -> (incidents: [Incident], others: [Alert]) {
        let roots = rootCauses(of: alerts, inhibitions: inhibitions)
        var symptoms: [String: [Alert]] = [:]
        var causes: [String: Alert] = [:]
        for alert in alerts {
            guard let root = roots[alert.identity] else { continue }
            symptoms[root.identity, default: []].append(alert)
            causes[root.identity] = root
        }
        let incidents = causes.values.map { cause in
            Incident(
                cause: cause,
                symptoms: (symptoms[cause.identity] ?? []).sorted {
                    ($0.state == .firing ? 1 : 0, $0.severity, $1.identity) > (
                        $1.state == .firing ? 1 : 0, $1.severity, $0.identity
                    )
                })
        }.sorted { ($0.cause.severity, $1.cause.identity) > ($1.cause.severity, $0.cause.identity) }
        let grouped = Set(roots.keys).union(causes.keys)
        return (incidents, alerts.filter { !grouped.contains($0.identity) })
    }
}
