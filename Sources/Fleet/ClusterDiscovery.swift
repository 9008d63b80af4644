import RESP
import RedisClient
import Telemetry

/// Reads a cluster's topology from one of its nodes: `CLUSTER SHARDS`, or `CLUSTER NODES` on
/// servers that do not know it (Redis before 7.0) — after `INFO cluster` says the node is in
/// cluster mode.
public enum ClusterDiscovery {
    /// The outcome of asking a node.
    public enum Answer: Sendable {
        /// The node is in a cluster: here are its nodes.
        case cluster(ClusterTopology)
        /// The node runs without cluster mode.
        case notACluster
    }

    /// Asks `connection`'s node for the topology.
    ///
    /// - Throws: what the connection throws, a ``RedisServerError`` for a refusal (ACL), or a
    ///   ``TopologyError`` for a reply that cannot be read.
    public static func topology(from connection: ManagedConnection) async throws -> Answer {
        // INFO cluster first: a server without cluster mode would count CLUSTER SHARDS' refusal
        // among its error replies (what teams alert on). A server that does not say (a sentinel)
        // is asked as before.
        if case .success(let info) = try await connection.pipeline([RESPCommand("INFO", "cluster")])[0].result,
            let text = info.stringValue, text.contains("cluster_enabled:0")
        {
            return .notACluster
        }
        let shards = try await connection.pipeline([RESPCommand("CLUSTER", "SHARDS")])[0].result
        switch shards {
        case .success(let reply): return .cluster(try ClusterTopology(shards: reply))
        case .failure(let error) where isClusterDisabled(error): return .notACluster
        case .failure(let error) where !error.isUnknownCommand: throw error
        case .failure: break
        }
        switch try await connection.pipeline([RESPCommand("CLUSTER", "NODES")])[0].result {
        case .success(let reply): return .cluster(try ClusterTopology(nodesText: reply.stringValue ?? ""))
        case .failure(let error) where isClusterDisabled(error): return .notACluster
        case .failure(let error): throw error
        }
    }

    private static func isClusterDisabled(_ error: RedisServerError) -> Bool {
        error.message.lowercased().contains("cluster support disabled")
    }
}
