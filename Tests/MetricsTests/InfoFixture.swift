import Foundation
import Telemetry

/// Builds readings from counter values, for step-table tests of derived metrics.
enum InfoFixture {
    static func reading(
        runID: String = "run-1", uptime: Int64 = 100, commands: Int64 = 0, hits: Int64 = 0, misses: Int64 = 0,
        evicted: Int64 = 0, expired: Int64 = 0, used: Int64 = 1000, maxmemory: Int64 = 0, cpu: Double = 0,
        keys: Int64? = nil, commandsSent: Int = 3, ping: Duration? = .microseconds(500)
    ) -> Reading {
        var sections: [String: [String: String]] = [
            "server": ["run_id": runID, "uptime_in_seconds": String(uptime)],
            "stats": [
                "total_commands_processed": String(commands), "keyspace_hits": String(hits),
                "keyspace_misses": String(misses), "evicted_keys": String(evicted), "expired_keys": String(expired),
                "total_net_input_bytes": "0", "total_net_output_bytes": "0",
            ],
            "memory": ["used_memory": String(used), "maxmemory": String(maxmemory)],
            "cpu": ["used_cpu_sys": String(cpu / 2), "used_cpu_user": String(cpu / 2)],
            "keyspace": [:],
        ]
        if let keys { sections["keyspace"] = ["db0": "keys=\(keys),expires=\(keys / 2),avg_ttl=0"] }
        return Reading(
            info: InfoSnapshot(sections: sections), slowlog: SlowlogDelta(), pingRTT: ping, commandsSent: commandsSent)
    }

    static func sample(_ time: Double, _ reading: Reading, node: String = "n1") -> Sample {
        Sample(node: node, time: Date(timeIntervalSince1970: time), outcome: .reading(reading))
    }

    static func failure(_ time: Double, node: String = "n1") -> Sample {
        Sample(
            node: node, time: Date(timeIntervalSince1970: time),
            outcome: .failure(PollFailure(kind: .connection, message: "connection refused")))
    }
}
