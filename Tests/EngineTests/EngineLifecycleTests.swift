import Engine
import Fleet
import Foundation
import RESP
import RedisClient
import Synchronization
import Telemetry
import TestSupport
import Testing

/// The engine's tasks and connections live exactly as long as what they watch.
@Suite("The engine's lifecycle", .serialized)
struct EngineLifecycleTests {
    /// The descriptors this process has open.
    private static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// The nodes that delivered a reading, per name, counted as the engine's events arrive.
    private final class Readings: Sendable {
        private let counts = Mutex<[String: Int]>([:])

        func record(_ batch: [FleetEvent]) {
            counts.withLock { counts in
                for case .sample(let sample) in batch where sample.reading != nil {
                    counts[sample.node, default: 0] += 1
                }
            }
        }

        func count(_ node: String) -> Int { counts.withLock { $0[node] ?? 0 } }
    }

    /// Sends `CLUSTER FORGET` of each id to every node of `cluster` (an id a node does not know
    /// is refused, which is fine).
    private static func forget(_ ids: some Collection<String>, on cluster: RedisCluster) async throws {
        guard !ids.isEmpty else { return }
        for node in cluster.nodes {
            let client = try await node.client()
            for id in ids { _ = try? await client.send(RESPCommand("CLUSTER", "FORGET", id)) }
            await client.close()
        }
    }

    /// The ids under which any node of `cluster` lists the node at `port`.
    private static func ids(listing port: Int, in cluster: RedisCluster) async throws -> Set<String> {
        var ids: Set<String> = []
        for node in cluster.nodes {
            for line in try await cluster.nodesTable(from: node).split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count > 1, fields[1].hasPrefix("127.0.0.1:\(port)@") { ids.insert(String(fields[0])) }
            }
        }
        return ids
    }

    @Test(
        "a node removed from a 3-primary cluster and added back 10 times leaves no descriptor open; the end closes all")
    func nodeChurn() async throws {
        try await withRedisCluster(primaries: 3, replicas: 0) { cluster in
            try await withRedisServer(
                ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"],
                port: try FreePort.forClusterNode()
            ) { extra in
                let name = "127.0.0.1:\(extra.port)"
                let admin = try await cluster.nodes[0].client()
                let extraAdmin = try await extra.client()
                _ = try await admin.send(RESPCommand("CLUSTER", "MEET", "127.0.0.1", String(extra.port)))
                let before = Self.openDescriptors()
                let configuration = FleetConfiguration(
                    interval: .milliseconds(200), sampling: KeySamplerConfiguration(keysPerSecond: 100),
                    topologyInterval: .milliseconds(200))
                let readings = Readings()
                var counts: [Int] = []
                try await MonitoringEngine.run(
                    targets: [NodeTarget(endpoint: cluster.nodes[0].endpoint)], configuration: configuration
                ) { engine in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { for await batch in engine.events { readings.record(batch) } }
                        defer { group.cancelAll() }
                        /// Watched, and read twice since `seen` readings (both connections in use).
                        func watched(after seen: Int) async throws -> Bool {
                            try await eventually(timeout: .seconds(30)) {
                                engine.fleet.nodeNames.contains(name) && readings.count(name) >= seen + 2
                            }
                        }
                        #expect(try await watched(after: 0), "the extra node was never watched")
                        for cycle in 1...10 {
                            // Removed: it forgets the cluster (a new id), and the cluster forgets it.
                            let oldID = try await extraAdmin.send(RESPCommand("CLUSTER", "MYID")).stringValue ?? ""
                            // Every node knows it first (gossip), or one would learn it after the others forgot it.
                            #expect(
                                try await eventually(timeout: .seconds(30)) {
                                    for node in cluster.nodes
                                    where !(try await cluster.nodesTable(from: node)).contains(oldID) {
                                        return false
                                    }
                                    return true
                                }, "cycle \(cycle): the cluster never learnt of the node")
                            _ = try await extraAdmin.send(RESPCommand("CLUSTER", "RESET", "HARD"))
                            try await Self.forget([oldID], on: cluster)
                            // The cluster forgets it for good before the engine is asked to: a
                            // handshake a node still had under way with its address can complete
                            // after the reset and teach the cluster its new id (a suspected cause
                            // of a rare failure on Valkey 8.1) — that id is forgotten too, and
                            // counted.
                            let relearnt = Locked(Set<String>())
                            #expect(
                                try await eventually(timeout: .seconds(30)) {
                                    let found = try await Self.ids(listing: extra.port, in: cluster)
                                    relearnt.withLock { $0.formUnion(found) }
                                    try await Self.forget(found, on: cluster)
                                    return found.isEmpty
                                }, "cycle \(cycle): the cluster kept the node (\(relearnt.withLock(\.count)) new ids)")
                            #expect(
                                try await eventually(timeout: .seconds(30)) { !engine.fleet.nodeNames.contains(name) },
                                "cycle \(cycle): never dropped")
                            // Added back.
                            let seen = readings.count(name)
                            _ = try await admin.send(RESPCommand("CLUSTER", "MEET", "127.0.0.1", String(extra.port)))
                            #expect(try await watched(after: seen), "cycle \(cycle): never watched again")
                            counts.append(Self.openDescriptors())
                        }
                        // The count after the first cycle is the steady state; a leak adds two a cycle.
                        let steady = counts[0]
                        #expect(
                            try await eventually(timeout: .seconds(10)) { Self.openDescriptors() <= steady },
                            "descriptors after each cycle: \(counts), now \(Self.openDescriptors())")
                    }
                }
                // Everything the engine opened is closed once it returns.
                #expect(
                    try await eventually(timeout: .seconds(10)) { Self.openDescriptors() <= before },
                    "\(before) descriptors before the engine, \(Self.openDescriptors()) after")
                await admin.close()
                await extraAdmin.close()
            }
        }
    }
}
