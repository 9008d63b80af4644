import Alerts
import Foundation
import Metrics
import Telemetry
import Testing

/// Step tables: at t0 + i seconds the node reports `blocked[i]` blocked clients (nil: the poll
/// failed); the engine is evaluated after each step.
@Suite("Rule engine")
struct RuleEngineTests {
    private static let t0 = 1_800_000_000.0

    private struct Step {
        let events: [AlertEvent.Kind]
        let state: Alert.State?
    }

    private func run(
        _ rule: AlertRule, blocked: [Int?], node: String = "n1"
    ) -> [(events: [AlertEvent], state: Alert.State?, engine: RuleEngine)] {
        var store = MetricStore()
        var engine = RuleEngine(rules: [rule])
        var results: [(events: [AlertEvent], state: Alert.State?, engine: RuleEngine)] = []
        for (index, value) in blocked.enumerated() {
            let time = Date(timeIntervalSince1970: Self.t0 + Double(index))
            if let value {
                let info = InfoSnapshot(sections: [
                    "clients": ["blocked_clients": String(value), "connected_clients": "10"],
                    "stats": ["keyspace_hits": String(index * 100), "keyspace_misses": "0"],
                ])
                store.ingest(
                    Sample(node: node, time: time, outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
            } else {
                store.ingest(
                    Sample(node: node, time: time, outcome: .failure(PollFailure(kind: .connection, message: "down"))))
            }
            let events = engine.eval(now: time, store: store)
            results.append((events, (engine.firing + engine.pending).first?.state, engine))
        }
        return results
    }

    private let blockedRule = AlertRule(
        name: "BlockedClients", condition: AlertCondition(metric: .metric(.clientsBlocked), .above, 0), forSeconds: 3,
        severity: .warning, summary: "{{value}} clients blocked on {{node}}")

    @Test("pending, then firing after `for`, then resolved once")
    func firesAfterFor() {
        let steps = run(blockedRule, blocked: [1, 1, 1, 1, 2, 0, 0])
        #expect(steps.map(\.state) == [.pending, .pending, .pending, .firing, .firing, nil, nil])
        #expect(steps.map { $0.events.map(\.kind) } == [[], [], [], [.firing], [], [.resolved], []])
        let fired = steps[3].events[0].alert
        #expect(fired.labels == ["node": "n1"])
        #expect(fired.summary == "1 client blocked on n1")
        #expect(steps[5].events[0].alert.value == 2)
    }

    @Test("a pending alert that clears vanishes without an event")
    func pendingVanishes() {
        let steps = run(blockedRule, blocked: [1, 1, 0, 1])
        #expect(steps.map(\.state) == [.pending, .pending, nil, .pending])
        #expect(steps.allSatisfy { $0.events.isEmpty })
    }

    @Test("keep_firing_for damps flapping: one firing, one resolution")
    func keepFiringFor() {
        var rule = blockedRule
        rule.forSeconds = 0
        rule.keepFiringForSeconds = 3
        let steps = run(rule, blocked: [1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
        #expect(steps.map { $0.events.map(\.kind) }.flatMap { $0 } == [.firing, .resolved])
        #expect(
            steps.map(\.state) == [.firing, .firing, .firing, .firing, .firing, .firing, .firing, .firing, nil, nil])
    }

    @Test("a failed poll is unknown, not false: a firing alert stays; health says why")
    func unknownIsNotFalse() {
        var rule = blockedRule
        rule.forSeconds = 0
        let steps = run(rule, blocked: [1, nil, nil, 1, 0])
        #expect(steps.map(\.state) == [.firing, .firing, .firing, .firing, nil])
        #expect(steps[1].engine.health["BlockedClients"] == .error("n1: clients_blocked has no value"))
        #expect(steps[3].engine.health["BlockedClients"] == .ok)
        #expect(steps.map { $0.events.map(\.kind) }.flatMap { $0 } == [.firing, .resolved])
    }

    @Test("a metric the node never had does not apply: no alert, no health problem")
    func notApplicable() {
        let rule = AlertRule(name: "ReplicaOnly", condition: AlertCondition(metric: .metric(.replicaLinkUp), .below, 1))
        let steps = run(rule, blocked: [1, 1])
        #expect(steps.allSatisfy { $0.state == nil && $0.events.isEmpty })
        #expect(steps[1].engine.health["ReplicaOnly"] == .ok)
    }

    @Test("requirements gate the condition; windows reduce")
    func requirementsAndWindows() {
        // Blocked clients only matter when hits_per_sec is above 1,000 (it is 100 here).
        var gated = blockedRule
        gated.forSeconds = 0
        gated.requires = [AlertCondition(metric: .metric(.hitsPerSec), .above, 1000)]
        #expect(run(gated, blocked: [1, 1, 1]).allSatisfy { $0.state == nil })

        // The average over 3 s of 0, 0, 3 is 1: above 0.5, while the newest-only rule would say 3.
        let averaged = AlertRule(
            name: "BlockedAverage",
            condition: AlertCondition(
                metric: .metric(.clientsBlocked), .above, 0.5, reduction: .average, windowSeconds: 3))
        let steps = run(averaged, blocked: [0, 0, 3])
        #expect(steps.map(\.state) == [nil, nil, .firing])
        #expect(steps[2].events.first?.alert.value == 1)
    }

    @Test("identity is rule + labels: two nodes, two alerts")
    func identityPerNode() {
        var store = MetricStore()
        var engine = RuleEngine(rules: [
            AlertRule(name: "Blocked", condition: AlertCondition(metric: .metric(.clientsBlocked), .above, 0))
        ])
        let time = Date(timeIntervalSince1970: Self.t0)
        for node in ["a", "b"] {
            let info = InfoSnapshot(sections: ["clients": ["blocked_clients": "2"]])
            store.ingest(
                Sample(node: node, time: time, outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
        }
        let events = engine.eval(now: time, store: store)
        #expect(Set(events.map(\.alert.identity)) == ["Blocked{node=a}", "Blocked{node=b}"])
    }

    @Test("an alert's identity follows its name and labels, labels in key order")
    func identityFollowsLabels() {
        let time = Date(timeIntervalSince1970: Self.t0)
        var alert = Alert(
            name: "BigKey", labels: ["node": "a:6379", "namespace": "big:*"], state: .firing, severity: .info,
            value: 1, summary: "", activeSince: time, lastTrue: time)
        #expect(alert.identity == "BigKey{namespace=big:*,node=a:6379}")
        alert.labels["namespace"] = "blob:*"
        #expect(alert.identity == "BigKey{namespace=blob:*,node=a:6379}")
        alert.name = "HugeKey"
        alert.labels = [:]
        #expect(alert.identity == "HugeKey{}")
    }

    @Test("a rules file's description and runbook_url reach the alert, filled in like its summary")
    func descriptionAndRunbook() throws {
        let rules = try RuleFile.parse(
            """
            rules:
              - name: Blocked
                metric: clients_blocked
                above: 5
                severity: warning
                summary: "{{value}} blocked on {{node}}"
                description: "Find who waits on {{node}}: CLIENT LIST TYPE normal, more than {{threshold}} is a bug."
                runbook_url: "https://runbooks.example/{{name}}?node={{node}}"
            """)
        let results = run(rules[0], blocked: [9])
        let alert = try #require(results.last?.engine.firing.first)
        #expect(alert.description == "Find who waits on n1: CLIENT LIST TYPE normal, more than 5 is a bug.")
        #expect(alert.runbookURL == "https://runbooks.example/Blocked?node=n1")
        // The built-in rules each say what to do.
        #expect(DefaultRules.rules.allSatisfy { !$0.description.isEmpty })
    }
}
