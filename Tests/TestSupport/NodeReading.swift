import Foundation
import Telemetry

/// Readings of nodes in roles (primary, replica, cluster node), from counter values: the
/// step-table input of the multi-node metric and rule tests.
public enum NodeReading {
    /// A reading of a node with a role, counters and (for a cluster) `cluster_enabled:1` and,
    /// when given, the text of its `CLUSTER INFO`.
    public static func make(
        role: String, cluster: Bool = true, commands: Int64, hits: Int64, misses: Int64, used: Int64,
        maxmemory: Int64 = 0, keys: Int64, replicas: [(ip: String, port: Int, state: String, offset: Int64)] = [],
        offset: Int64 = 0, clusterInfo: String? = nil
    ) -> Reading {
        var replication = ["role": role, "master_repl_offset": String(offset)]
        if role == "slave" {
            replication["master_link_status"] = "up"
            replication["master_last_io_seconds_ago"] = "1"
        }
        replication["connected_slaves"] = String(replicas.count)
        for (index, replica) in replicas.enumerated() {
            replication["slave\(index)"] =
                "ip=\(replica.ip),port=\(replica.port),state=\(replica.state),offset=\(replica.offset),lag=1"
        }
        let sections: [String: [String: String]] = [
            "server": ["run_id": "run-\(role)", "uptime_in_seconds": "100"],
            "stats": [
                "total_commands_processed": String(commands), "keyspace_hits": String(hits),
                "keyspace_misses": String(misses), "evicted_keys": "0", "expired_keys": "0",
            ],
            "memory": ["used_memory": String(used), "maxmemory": String(maxmemory)],
            "replication": replication,
            "cluster": ["cluster_enabled": cluster ? "1" : "0"],
            "keyspace": ["db0": "keys=\(keys),expires=0,avg_ttl=0"],
        ]
        return Reading(
            info: InfoSnapshot(sections: sections), slowlog: SlowlogDelta(), pingRTT: nil, commandsSent: 0,
            cluster: clusterInfo.map(ClusterInfo.init(parsing:)))
    }

    /// A sample of `node` at `time` (seconds since 1970) carrying `reading`.
    public static func sample(_ node: String, _ time: Double, _ reading: Reading) -> Sample {
        Sample(node: node, time: Date(timeIntervalSince1970: time), outcome: .reading(reading))
    }
}
