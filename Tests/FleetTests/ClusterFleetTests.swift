import Fleet
import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

@Suite("A fleet on a real 3 + 3 cluster", .serialized)
struct ClusterFleetTests {
    @Test("one seed discovers six nodes; a manual failover is followed without a restart; not-a-cluster is clear")
    func discoveryAndFailover() async throws {
        try await withRedisCluster { cluster in
            let events = EventLog()
            let seed = NodeTarget(endpoint: cluster.nodes[0].endpoint)
            let configuration = FleetConfiguration(interval: .milliseconds(250), topologyInterval: .milliseconds(250))
            try await withFleet([seed], configuration: configuration, log: events) { fleet, first in
                #expect(first.count == 6)
                #expect(first.allSatisfy { $0.reading != nil })
                let topology = try #require(fleet.topology)
                #expect(topology.primaries.count == 3)
                #expect(topology.nodes.filter { $0.role == .replica }.count == 3)
                #expect(topology.uncoveredSlots == 0)
                #expect(Set(fleet.nodeNames) == Set(cluster.nodes.map { "127.0.0.1:\($0.port)" }))

                // Promote a replica by hand: the fleet sees the change and names it.
                let replicaNode = try #require(topology.nodes.first { $0.role == .replica })
                let replica = try #require(cluster.nodes.first { $0.port == replicaNode.port })
                let admin = try await replica.client()
                _ = try await admin.send(RESPCommand("CLUSTER", "FAILOVER"))
                await admin.close()
                #expect(
                    try await eventually(timeout: .seconds(30)) {
                        events.changes.contains { change in
                            if case .promoted(let node, _) = change { return node.port == replicaNode.port }
                            return false
                        }
                    })
                // The old primary follows it as a replica (gossip may take another round).
                #expect(
                    try await eventually(timeout: .seconds(30)) {
                        events.changes.contains { change in
                            if case .demoted(let node) = change { return node.id == replicaNode.primaryID }
                            return false
                        }
                    })
                #expect(fleet.topology?.node(id: replicaNode.id)?.role == .primary)

                // Its samples now say primary, and the store tells how long ago it was promoted.
                var store = MetricStore()
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        for sample in events.takeSamples() { store.ingest(sample) }
                        return store["127.0.0.1:\(replicaNode.port)"]?.latest(.secondsSincePromotion) != nil
                    })
                #expect(store["127.0.0.1:\(replicaNode.port)"]?.latest(.rolePrimary) == 1)
                #expect(store["127.0.0.1:\(replicaNode.port)"]?.latest(.clusterStateOK) == 1)
            }
        }
    }

    @Test("a node that joins (CLUSTER MEET) is watched; one forgotten by every node is dropped")
    func nodeAddedAndRemoved() async throws {
        try await withRedisCluster { cluster in
            let events = EventLog()
            let configuration = FleetConfiguration(interval: .milliseconds(250), topologyInterval: .milliseconds(250))
            try await withFleet(
                [NodeTarget(endpoint: cluster.nodes[0].endpoint)], configuration: configuration, log: events
            ) { fleet, _ in
                let admin = try await cluster.nodes[0].client()
                // A newcomer joins, then is gone for good: stopped, then forgotten by every node.
                let (name, newcomerID) = try await withRedisServer(
                    [
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                        "2000",
                    ],
                    port: try FreePort.forClusterNode()
                ) { newcomer in
                    let name = "127.0.0.1:\(newcomer.port)"
                    _ = try await admin.send(RESPCommand("CLUSTER", "MEET", "127.0.0.1", String(newcomer.port)))
                    #expect(
                        try await eventually(timeout: .seconds(30)) {
                            events.changes.contains {
                                if case .added(let node) = $0 {
                                    return node.port == newcomer.port
                                } else {
                                    return false
                                }
                            }
                        })
                    #expect(fleet.nodeNames.contains(name))
                    #expect(
                        try await eventually(timeout: .seconds(10)) {
                            events.takeSamples().contains { $0.node == name }
                        })
                    return (name, try await newcomer.client().send(RESPCommand("CLUSTER", "MYID")).stringValue ?? "")
                }
                for node in cluster.nodes {
                    let client = try await node.client()
                    _ = try? await client.send(RESPCommand("CLUSTER", "FORGET", newcomerID))
                    await client.close()
                }
                #expect(
                    try await eventually(timeout: .seconds(30)) {
                        events.changes.contains {
                            if case .removed(let node) = $0 { return node.id == newcomerID } else { return false }
                        }
                    })
                #expect(!fleet.nodeNames.contains(name))
                #expect(events.removedNodes == [name])
                await admin.close()
            }
        }
    }

    @Test("--cluster on a server without cluster mode is one line; automatic mode just watches it")
    func notACluster() async throws {
        try await withRedisServer { server in
            let required = Fleet(
                targets: [NodeTarget(endpoint: server.endpoint)],
                configuration: FleetConfiguration(clusterMode: .required))
            await #expect(throws: FleetError.self) { try await required.discover() }
            do {
                _ = try await required.discover()
            } catch let error as FleetError {
                #expect(error.description.contains("is not in cluster mode (cluster_enabled:0); drop --cluster"))
            }
            try await withFleet(
                [NodeTarget(endpoint: server.endpoint)], configuration: FleetConfiguration(), log: EventLog()
            ) { automatic, first in
                #expect(first.count == 1 && first[0].reading != nil)
                #expect(automatic.topology == nil)
            }
        }
    }
}

/// Collects a fleet's events from any task.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [FleetEvent] = []
    private var samplesTaken = 0

    func append(_ event: FleetEvent) { lock.withLock { events.append(event) } }

    /// Every topology change so far.
    var changes: [TopologyChange] {
        lock.withLock {
            events.flatMap { event -> [TopologyChange] in
                if case .topology(_, let changes) = event { return changes }
                return []
            }
        }
    }

    /// The nodes the fleet stopped watching.
    var removedNodes: [String] {
        lock.withLock {
            events.compactMap { event -> String? in
                if case .nodeRemoved(let name) = event { return name }
                return nil
            }
        }
    }

    /// The samples that arrived since the last call.
    func takeSamples() -> [Sample] {
        lock.withLock {
            let samples = events.compactMap { event -> Sample? in
                if case .sample(let sample) = event { return sample }
                return nil
            }
            defer { samplesTaken = samples.count }
            return Array(samples.dropFirst(samplesTaken))
        }
    }
}
