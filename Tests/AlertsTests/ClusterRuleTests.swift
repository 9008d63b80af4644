import Alerts
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@Suite("Built-in rules for clusters and replication")
struct ClusterRuleTests {
    /// Feeds `ticks` seconds of readings (made per node and second) through a store and the
    /// built-in rules; returns the events.
    static func run(
        ticks: Int, nodes: [String], _ reading: (String, Int) -> Reading
    ) -> (events: [AlertEvent], engine: RuleEngine) {
        var store = MetricStore()
        var engine = RuleEngine(rules: DefaultRules.rules)
        var events: [AlertEvent] = []
        for tick in 0..<ticks {
            for node in nodes { store.ingest(NodeReading.sample(node, Double(tick), reading(node, tick))) }
            events += engine.eval(now: Date(timeIntervalSince1970: Double(tick)), store: store)
        }
        return (events, engine)
    }

    static func fired(_ events: [AlertEvent], _ name: String) -> [String] {
        events.filter { $0.kind == .firing && $0.alert.name == name }.compactMap { $0.alert.labels["node"] }
    }

    @Test("HotShard: one primary with 3× the others' ops/s for a minute; NodeImbalance: 3× their memory for 5 minutes")
    func hotShardAndImbalance() {
        let (events, _) = Self.run(ticks: 360, nodes: ["a", "b", "c"]) { node, tick in
            let rate: Int64 = node == "a" ? 3000 : 1000
            let memory: Int64 = node == "a" ? 300_000_000 : 100_000_000
            return NodeReading.make(
                role: "master", commands: rate * Int64(tick), hits: 0, misses: 0, used: memory, keys: 100)
        }
        #expect(Self.fired(events, "HotShard") == ["a"])
        #expect(Self.fired(events, "NodeImbalance") == ["a"])
        let hot = events.first { $0.alert.name == "HotShard" }
        // The first rate at tick 1; shares go with the next tick (2); pending there, firing a minute later.
        #expect(hot.map { $0.time.timeIntervalSince1970 } == 62)
    }

    @Test("ClusterStateNotOk and SlotsNotCovered after 10 s of a failing view")
    func clusterState() {
        let failing = """
            cluster_state:fail
            cluster_slots_assigned:16384
            cluster_slots_ok:10923
            cluster_slots_pfail:0
            cluster_slots_fail:5461
            cluster_known_nodes:6
            cluster_size:3
            """
        let (events, engine) = Self.run(ticks: 15, nodes: ["a"]) { _, tick in
            NodeReading.make(
                role: "master", commands: 0, hits: 0, misses: 0, used: 1, keys: 1, clusterInfo: failing)
        }
        #expect(Self.fired(events, "ClusterStateNotOk") == ["a"])
        #expect(Self.fired(events, "SlotsNotCovered") == ["a"])
        #expect(engine.firing.first { $0.name == "SlotsNotCovered" }?.value == 5461)
    }

    @Test("Failover fires when a replica becomes a primary and resolves five minutes later")
    func failover() {
        let (events, _) = Self.run(ticks: 400, nodes: ["r"]) { _, tick in
            NodeReading.make(role: tick < 10 ? "slave" : "master", commands: 0, hits: 0, misses: 0, used: 1, keys: 1)
        }
        let failovers = events.filter { $0.alert.name == "Failover" }
        #expect(failovers.map(\.kind) == [.firing, .resolved])
        #expect(failovers.map { $0.time.timeIntervalSince1970 } == [10, 310])
    }

    @Test("ReplicaLinkBroken per replica after 30 s not online; ReplicaLagGrowing 16 MB behind for 2 minutes")
    func replicaLinks() {
        let (events, engine) = Self.run(ticks: 150, nodes: ["p"]) { _, tick in
            NodeReading.make(
                role: "master", cluster: false, commands: 0, hits: 0, misses: 0, used: 1, keys: 1,
                replicas: [("10.0.0.2", 6380, "online", 0), ("10.0.0.3", 6380, "wait_bgsave", 100_000_000)],
                offset: 100_000_000)
        }
        let broken = events.filter { $0.kind == .firing && $0.alert.name == "ReplicaLinkBroken" }
        #expect(broken.map { $0.alert.labels["replica"] } == ["10.0.0.3:6380"])
        let lagging = engine.firing.filter { $0.name == "ReplicaLagGrowing" }
        #expect(lagging.map { $0.labels["replica"] } == ["10.0.0.2:6380"])
        #expect(lagging.first?.summary == "the replica 10.0.0.2:6380 of p is 100000000 bytes behind")
    }
}

@Suite("Nodes that leave")
struct RemovedNodeTests {
    @Test("a node removed from the store resolves its firing alerts and drops its pending ones")
    func removedNode() throws {
        let rules = try RuleFile.parse(
            """
            rules:
              - name: Firing
                metric: keys
                above: 0
                severity: warning
              - name: Pending
                metric: keys
                above: 0
                for: 1h
                severity: info
            """)
        var store = MetricStore()
        var engine = RuleEngine(rules: rules)
        for node in ["a", "b"] {
            store.ingest(
                NodeReading.sample(
                    node, 0,
                    NodeReading.make(role: "master", cluster: false, commands: 0, hits: 0, misses: 0, used: 1, keys: 5))
            )
        }
        let fired = engine.eval(now: Date(timeIntervalSince1970: 0), store: store)
        #expect(fired.map(\.alert.name) == ["Firing", "Firing"])
        #expect(engine.pending.count == 2)
        store.remove(node: "a")
        #expect(store.nodeNames == ["b"])
        let events = engine.eval(now: Date(timeIntervalSince1970: 1), store: store, nodes: [])
        #expect(events.map(\.kind) == [.resolved])
        #expect(events.first?.alert.labels["node"] == "a")
        #expect(engine.firing.map { $0.labels["node"] } == ["b"])
        #expect(engine.pending.map { $0.labels["node"] } == ["b"])
    }
}
