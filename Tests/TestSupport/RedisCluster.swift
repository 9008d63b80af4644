import Foundation
import RESP
import RedisClient
import Workload

/// A Redis Cluster of real servers on loopback ports: `primaries` primaries with `replicas`
/// replicas each, made by `redis-cli --cluster create`, ready when every node says
/// `cluster_state:ok`. A node can be stopped (its files kept) and started again: it rejoins.
public final class RedisCluster: Sendable {
    /// The nodes, in creation order (redis-cli makes the first ones primaries).
    public let nodes: [RedisServer]
    private let replicaCount: Int

    /// Starts the servers and creates the cluster.
    ///
    /// - Parameters:
    ///   - nodeTimeout: `cluster-node-timeout` in milliseconds: how long before a silent node is
    ///     declared failed and its replica promoted.
    ///   - arguments: more server arguments for every node.
    ///   - binary: the server executable (see ``MatrixServers``); `$REDIS_SERVER`'s by default.
    public init(
        primaries: Int = 3, replicas: Int = 1, nodeTimeout: Int = 2000, arguments: [String] = [],
        binary: String? = nil
    ) async throws {
        replicaCount = primaries * replicas
        var nodes: [RedisServer] = []
        for _ in 0..<(primaries * (1 + replicas)) {
            nodes.append(
                try await RedisServer(
                    [
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                        String(nodeTimeout), "--appendonly", "no", "--repl-diskless-sync-delay", "0",
                    ] + arguments, port: try FreePort.forClusterNode(), binary: binary))
        }
        self.nodes = nodes
        let create = try ChildProcess(
            executable: Self.redisCLI,
            arguments: ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" } + [
                "--cluster-replicas", String(replicas), "--cluster-yes",
            ])
        let code = try await create.waitForExit(timeout: .seconds(60))
        guard code == 0 else {
            for node in nodes { await node.stop() }
            throw ProcessFailure("redis-cli --cluster create failed: \(create.standardOutput.suffix(400))")
        }
        try await waitUntilOK(nodes)
    }

    /// `redis-cli` (Debian's `redis-tools`), which creates clusters for every server version.
    static var redisCLI: String {
        for directory in ["/usr/bin", "/usr/local/bin"]
        where FileManager.default.isExecutableFile(
            atPath: "\(directory)/redis-cli")
        {
            return "\(directory)/redis-cli"
        }
        return "redis-cli"
    }

    /// Waits until every node in `nodes` answers `cluster_state:ok`, knows all the others,
    /// sees every replica as one (gossip takes a moment after creation) and, for a replica,
    /// has finished syncing.
    public func waitUntilOK(_ nodes: [RedisServer]? = nil, timeout: Duration = .seconds(60)) async throws {
        let nodes = nodes ?? self.nodes
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var ready = true
            for node in nodes {
                guard let client = try? await node.client(),
                    let info = try? await client.send(RESPCommand("CLUSTER", "INFO")).stringValue,
                    let table = try? await client.send(RESPCommand("CLUSTER", "NODES")).stringValue,
                    let replication = try? await client.send(RESPCommand("INFO", "replication")).stringValue
                else {
                    ready = false
                    break
                }
                await client.close()
                let replicas = table.split(whereSeparator: \.isNewline).filter { line in
                    line.split(separator: " ").dropFirst(2).first?.split(separator: ",").contains("slave") == true
                }
                if !info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:\(self.nodes.count)")
                    || replicas.count != replicaCount
                    // A replica that has not finished its first sync cannot be promoted.
                    || (replication.contains("role:slave") && !replication.contains("master_link_status:up"))
                {
                    ready = false
                    break
                }
            }
            if ready { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ProcessFailure("the cluster did not reach cluster_state:ok within \(timeout)")
    }

    /// The role (`master` or `slave`) of a node now.
    public func role(of node: RedisServer) async throws -> String? {
        let client = try await node.client()
        defer { Task { await client.close() } }
        let info = try await client.send(RESPCommand("INFO", "replication")).stringValue ?? ""
        return info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("role:") }.map { String($0.dropFirst(5)) }
    }

    /// `CLUSTER NODES` as `node` sees it (for failure messages).
    public func nodesTable(from node: RedisServer) async throws -> String {
        let client = try await node.client()
        defer { Task { await client.close() } }
        return try await client.send(RESPCommand("CLUSTER", "NODES")).stringValue ?? ""
    }

    /// Stops every node.
    public func stop() async {
        for node in nodes { await node.stop() }
    }
}
