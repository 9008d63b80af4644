import Foundation
import RESP
import TestSupport
import Testing

@Suite("scan on a real 3 + 3 cluster")
struct ClusterScanTests {
    /// Each key is written to every primary: the one that owns its slot stores it, the others
    /// answer MOVED. So the keys are spread as a cluster client would spread them.
    @Test("scan --full covers every primary in one report: exactly the sum of their DBSIZE")
    func coversEveryPrimary() async throws {
        try await withRedisCluster { cluster in
            var primaries: [RedisServer] = []
            for node in cluster.nodes where try await cluster.role(of: node) == "master" { primaries.append(node) }
            #expect(primaries.count == 3)
            var commands = (0..<3000).map { RESPCommand("SET", "user:\($0):profile", "v", "EX", "3600") }
            commands += (0..<1500).map { RESPCommand("SET", "page:\($0)", "v") }
            commands.append(RESPCommand("SET", "report:{daily}", String(repeating: "r", count: 1_200_000)))
            var total: Int64 = 0
            for primary in primaries {
                let client = try await primary.client()
                for start in stride(from: 0, to: commands.count, by: 1000) {
                    _ = try await client.pipeline(Array(commands[start..<min(commands.count, start + 1000)]))
                }
                let size = try await client.send(RESPCommand("DBSIZE")).intValue ?? 0
                #expect(size > 0, "every primary holds some keys")
                total += size
                await client.close()
            }
            #expect(total == 4501)
            let seed = cluster.nodes.first { node in !primaries.contains { $0.port == node.port } } ?? cluster.nodes[0]
            let result = try await CachewatchBinary.run(
                ["scan", "redis://127.0.0.1:\(seed.port)", "--full", "--json"], timeout: .seconds(60))
            #expect(result.code == 0, "\(result.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["total_keys"] as? Int == Int(total))
            #expect(object["sampled_keys"] as? Int == Int(total), "each key once, from its own primary")
            #expect(object["complete"] as? Bool == true)
            #expect((object["node"] as? String)?.contains("cluster, 3 primaries") == true, "\(object["node"] ?? "")")
            let biggest = (object["biggest_by_memory"] as? [[String: Any]])?.first?["key"] as? String
            #expect(biggest == "report:{daily}")
            // --no-cluster reads only the node given: a replica's copy of its primary's share.
            let single = try await CachewatchBinary.run(
                ["scan", "redis://127.0.0.1:\(primaries[0].port)", "--full", "--json", "--no-cluster"])
            let one = try #require(try JSONSerialization.jsonObject(with: Data(single.stdout.utf8)) as? [String: Any])
            #expect((one["total_keys"] as? Int ?? 0) < Int(total))
        }
    }
}
