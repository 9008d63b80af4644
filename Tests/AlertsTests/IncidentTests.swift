import Alerts
import Foundation
import Metrics
import Telemetry
import Testing

/// One incident, one voice: a firing cause groups the alerts it explains (``Inhibition``).
@Suite("Incidents: causes and their symptoms")
struct IncidentTests {
    private static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    private func alert(
        _ name: String, node: String = "a", state: Alert.State = .firing, severity: Severity = .warning,
        namespace: String? = nil
    ) -> Alert {
        var labels = ["node": node]
        labels["namespace"] = namespace
        return Alert(
            name: name, labels: labels, state: state, severity: severity, value: 1, summary: name,
            activeSince: Self.t0, firedAt: state == .firing ? Self.t0 : nil, lastTrue: Self.t0)
    }

    private let inhibitions = [
        Inhibition(cause: "MemoryFull", symptoms: ["EvictionsActive", "CriticalKeysEvicted", "LowHitRatio"]),
        // A chain: evictions explain the hit ratio falling.
        Inhibition(cause: "EvictionsActive", symptoms: ["LowHitRatio"]),
    ]

    @Test("a firing cause groups its symptoms on the same node, transitively to the root; others stay apart")
    func grouping() throws {
        let alerts = [
            alert("MemoryFull"), alert("EvictionsActive"),
            alert("CriticalKeysEvicted", severity: .critical, namespace: "session:*"),
            alert("LowHitRatio", state: .pending), alert("EvictionsActive", node: "b"), alert("Down", node: "c"),
        ]
        let (incidents, others) = Incident.group(alerts, inhibitions: inhibitions)
        let incident = try #require(incidents.first)
        #expect(incidents.count == 1)
        #expect(incident.cause.identity == "MemoryFull{node=a}")
        #expect(
            incident.symptoms.map(\.name) == ["CriticalKeysEvicted", "EvictionsActive", "LowHitRatio"],
            "firing before pending, most severe first")
        // LowHitRatio's direct cause is EvictionsActive; its root is MemoryFull.
        #expect(Incident.rootCauses(of: alerts, inhibitions: inhibitions)["LowHitRatio{node=a}"]?.name == "MemoryFull")
        #expect(
            Set(others.map(\.identity)) == ["EvictionsActive{node=b}", "Down{node=c}"], "another node's, unrelated")
    }

    @Test("a pending cause explains nothing yet; without its root, a chain roots where it starts firing")
    func pendingCause() {
        let alerts = [alert("MemoryFull", state: .pending), alert("EvictionsActive"), alert("LowHitRatio")]
        let (incidents, others) = Incident.group(alerts, inhibitions: inhibitions)
        #expect(incidents.map(\.cause.name) == ["EvictionsActive"])
        #expect(incidents.first?.symptoms.map(\.name) == ["LowHitRatio"])
        #expect(others.map(\.name) == ["MemoryFull"])
        // Causes that explain each other stop where the cycle closes.
        let cycle = [Inhibition(cause: "A", symptoms: ["B"]), Inhibition(cause: "B", symptoms: ["A"])]
        #expect(Incident.group([alert("A"), alert("B")], inhibitions: cycle).incidents.count <= 2)
    }

    @Test("the engine marks a symptom with its cause when it fires, and keeps it for its life")
    func engineMarksCause() throws {
        let rules = try RuleFile.parseRuleSet(
            """
            rules:
              - name: MemoryFull
                metric: memory_used_ratio
                above: 0.95
                severity: warning
              - name: ManyBlocked
                metric: clients_blocked
                above: 5
                severity: warning
            inhibit_rules:
              - cause: MemoryFull
                symptoms: [ManyBlocked]
            """)
        var engine = RuleEngine(rules: rules.rules, inhibitions: rules.inhibitions)
        var store = MetricStore()
        func poll(_ second: Double, used: Int, blocked: Int) -> [AlertEvent] {
            let info = InfoSnapshot(sections: [
                "memory": ["used_memory": String(used), "maxmemory": "1000"],
                "clients": ["blocked_clients": String(blocked), "connected_clients": "10"],
            ])
            let time = Self.t0.addingTimeInterval(second)
            store.ingest(
                Sample(node: "a", time: time, outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
            return engine.eval(now: time, store: store)
        }
        let first = poll(0, used: 990, blocked: 9)
        let symptom = try #require(first.first { $0.alert.name == "ManyBlocked" })
        #expect(symptom.alert.cause == "MemoryFull{node=a}", "fired in the same step as its cause")
        #expect(first.first { $0.alert.name == "MemoryFull" }?.alert.cause == nil)
        #expect(engine.incidents.incidents.first?.symptoms.map(\.name) == ["ManyBlocked"])
        // The cause resolves: the symptom keeps the cause it fired under (one label set), and is
        // no longer grouped.
        _ = poll(1, used: 100, blocked: 9)
        #expect(engine.firing.first { $0.name == "ManyBlocked" }?.cause == "MemoryFull{node=a}")
        #expect(engine.incidents.incidents.isEmpty)
    }

    @Test("inhibit_rules in a rules file: parsed, equal defaulting to node; every mistake a located line")
    func ruleFile() throws {
        let base = """
            rules:
              - name: Cause
                metric: up
                below: 1
              - name: Symptom
                metric: hit_ratio
                below: 0.5

            """
        let set = try RuleFile.parseRuleSet(base + "inhibit_rules:\n  - cause: Cause\n    symptoms: [Symptom]\n")
        #expect(set.inhibitions == [Inhibition(cause: "Cause", symptoms: ["Symptom"], equal: ["node"])])
        let cluster = try RuleFile.parseRuleSet(
            base + "inhibit_rules:\n  - cause: Cause\n    symptoms: Symptom\n    equal: [node, team]\n")
        #expect(cluster.inhibitions.first?.equal == ["node", "team"])
        #expect(try RuleFile.parse(base).count == 2)
        let mistakes: [(String, String)] = [
            ("inhibit_rules:\n  - cause: Nope\n    symptoms: [Symptom]\n", "'Nope' is not a rule of this file"),
            ("inhibit_rules:\n  - cause: Cause\n    symptoms: [Cause]\n", "'Cause' cannot be its own symptom"),
            ("inhibit_rules:\n  - cause: Cause\n", "needs 'symptoms'"),
            ("inhibit_rules:\n  - cause: Cause\n    symptoms: [Symptom]\n    source: x\n", "unknown key 'source'"),
            ("inhibit_rules: Cause\n", "'inhibit_rules' must be a list"),
        ]
        for (text, message) in mistakes {
            #expect(throws: RuleFileError.self) { try RuleFile.parseRuleSet(base + text, source: "r.yaml") }
            do {
                _ = try RuleFile.parseRuleSet(base + text, source: "r.yaml")
            } catch {
                #expect(error.description.contains(message) && error.description.contains("r.yaml:"), "\(error)")
            }
        }
        #expect(throws: RuleFileError.self) {
            try RuleFile.parse("rules:\n  - name: X\n    metric: up\n    below: 1\n    labels: {cause: me}\n")
        }
    }

    @Test("the built-in incidents: memory full explains the eviction alerts; a stampede the hit ratio")
    func defaults() {
        let names = Set(DefaultRules.rules.map(\.name))
        #expect(DefaultRules.inhibitions.count == 2)
        for inhibition in DefaultRules.inhibitions {
            #expect(names.contains(inhibition.cause))
            #expect(inhibition.symptoms.isSubset(of: names))
        }
        #expect(
            DefaultRules.inhibitions.first { $0.cause == "MemoryFull" }?.symptoms.isSuperset(of: [
                "EvictionsActive", "CriticalKeysEvicted", "CriticalKeysEvictable", "EvictionsByNamespace",
                "MemoryNearMax",
                "LowHitRatio",
            ]) == true)
    }
}
