import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

/// Hot slots from `CLUSTER SLOT-STATS`, on a real cluster of the server under test: where it has
/// slot stats (the Valkey 8.1 and Redis 8.2 passes of `./scripts/test`) a hammered key's slot is
/// found; where it has not (Redis 7.0 and 6.2), `--slots` prints nothing and nothing is refused.
@Suite("hot slots on a real cluster")
struct ClusterSlotStatsTests {
    @Test("a hammered key's slot is its node's hottest, price:* is named, HotSlot fires (without slot stats: silence)")
    func hammeredKey() async throws {
        // Older servers refuse the setting as an unknown directive.
        let settings = ServerBinary.majorVersion >= 8 ? ["--cluster-slot-stats-enabled", "yes"] : []
        try await withRedisCluster(primaries: 3, replicas: 0, arguments: settings) { cluster in
            var clients: [RedisConnection] = []
            for node in cluster.nodes { clients.append(try await node.client()) }
            let probe = try await clients[0].pipeline([RESPCommand("CLUSTER", "SLOT-STATS", "SLOTSRANGE", "0", "0")])
            guard case .success = probe[0].result else {
                try await expectSilence(cluster)
                for client in clients { await client.close() }
                return
            }
            // Every node takes the keys of its own slots (the others answer MOVED, ignored):
            // four namespaces, ids that are numbers, hex and UUIDs.
            var keys: [String] = []
            for id in 0..<1500 {
                keys += [
                    "user:\(id * 7919)", "session:\(String(id * 2_654_435_761 % 0xffff_ffff, radix: 16))",
                    "cart:\(UUID().uuidString.lowercased())", "price:\(id)",
                ]
            }
            for client in clients { _ = try await client.pipeline(keys.map { RESPCommand("SET", $0, "v") }) }
            // The hot key: a hash of 100 fields, read whole.
            let fields = (0..<100).flatMap { ["field\($0)", String(repeating: "p", count: 20)] }
            var owner: Int?
            for (index, client) in clients.enumerated() {
                _ = try await client.pipeline([RESPCommand("DEL", "price:42")])
                if case .success = try await client.pipeline([RESPCommand(["HSET", "price:42"] + fields)])[0].result {
                    owner = index
                }
            }
            let ownerIndex = try #require(owner)
            let hotSlot = try #require(
                try await clients[0].send(RESPCommand("CLUSTER", "KEYSLOT", "price:42")).intValue)
            let ownerName = "127.0.0.1:\(cluster.nodes[ownerIndex].port)"

            let recording = try TemporaryDirectory()
            let watch = try CachewatchBinary.start([
                "watch", "redis://127.0.0.1:\(cluster.nodes[0].port)", "--format", "json", "--slots", "-i", "0.25",
                "--no-sampling", "--record", recording.path,
            ])
            // An application reading the hot key hard, and light reads of other keys everywhere.
            let hammer = try ChildProcess(
                executable: "/usr/bin/redis-benchmark",
                arguments: [
                    "-p", String(cluster.nodes[ownerIndex].port), "-n", "100000000", "-c", "4", "-P", "10", "-q",
                    "HGETALL", "price:42",
                ])
            let spread = clients.map { client in
                let keys = keys
                return Task {
                    var round = 0
                    while !Task.isCancelled {
                        round += 1
                        _ = try? await client.pipeline(
                            (0..<20).map { RESPCommand("GET", keys[(round * 20 + $0 * 613) % keys.count]) })
                    }
                }
            }
            defer {
                for task in spread { task.cancel() }
            }

            var top: [String: Any]?
            let ranked = try await eventually(timeout: .seconds(40)) {
                let line = jsonObjects(watch.standardOutput).last { object in
                    object["event"] as? String == "slots" && object["node"] as? String == ownerName
                }
                top = (line?["slots"] as? [[String: Any]])?.first
                let namespaces = (top?["namespaces"] as? [[String: Any]])?.compactMap { $0["namespace"] as? String }
                return top?["slot"] as? Int == Int(hotSlot) && (top?["slot_cpu_share"] as? Double ?? 0) > 0.5
                    && namespaces?.contains("price:*") == true
            }
            #expect(ranked, "the hottest slot of \(ownerName) is \(hotSlot), price:* named: \(String(describing: top))")
            let fired = try await eventually(timeout: .seconds(40)) {
                jsonObjects(watch.standardOutput).contains { object in
                    let labels = object["labels"] as? [String: String]
                    return object["event"] as? String == "alert" && object["alertname"] as? String == "HotSlot"
                        && object["status"] as? String == "firing" && labels?["slot"] == String(hotSlot)
                        && labels?["node"] == ownerName && (object["summary"] as? String)?.contains("price:*") == true
                }
            }
            let objects = jsonObjects(watch.standardOutput)
            let alerts = objects.filter { $0["event"] as? String == "alert" }
            let cpu = objects.last { $0["event"] as? String == "slots" && $0["node"] as? String == ownerName }?[
                "cpu_percent"]
            #expect(
                fired,
                "HotSlot firing for slot \(hotSlot) on \(ownerName) (node's slot CPU \(String(describing: cpu)) %)")
            // Only the hammered slot is hot.
            let otherHot = alerts.filter { object in
                object["alertname"] as? String == "HotSlot"
                    && (object["labels"] as? [String: String])?["slot"] != String(hotSlot)
            }
            #expect(otherHot.isEmpty, "\(otherHot.count) HotSlot alerts for other slots")
            let reporting = Set(
                objects.filter { $0["event"] as? String == "slots" }.compactMap { $0["node"] as? String })
            #expect(reporting.count == 3, "slot lines for every primary: \(reporting)")
            #expect(!watch.standardError.contains("SLOT-STATS"), "no refusal")
            await hammer.terminate()
            await watch.terminate()
            // Recorded: the slot lines again, as printed (the last second's may not have been
            // committed when watch was stopped).
            let printedSlots = watch.standardOutput.split(separator: "\n").filter {
                $0.hasPrefix("{\"event\":\"slots\"")
            }
            let replay = try await CachewatchBinary.run(["replay", recording.path, "--format", "json", "--slots"])
            #expect(replay.code == 0, "\(replay.stderr)")
            let replayedSlots = Set(
                replay.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"event\":\"slots\"") })
            let same = printedSlots.filter { replayedSlots.contains($0) }.count
            #expect(
                Double(same) >= 0.9 * Double(printedSlots.count) && !printedSlots.isEmpty,
                "\(same) of \(printedSlots.count) slot lines replayed as printed")
            for client in clients { await client.close() }
        }
    }

    /// A server without `CLUSTER SLOT-STATS`: metric lines for every node, no slot line, and
    /// the command never sent (no refusal on the error output).
    private func expectSilence(_ cluster: RedisCluster) async throws {
        let watch = try CachewatchBinary.start([
            "watch", "redis://127.0.0.1:\(cluster.nodes[0].port)", "--format", "json", "--slots", "-i", "0.25",
            "--no-sampling", "--count", "8",
        ])
        let code = try await watch.waitForExit(timeout: .seconds(30))
        #expect(code == 0, "\(watch.standardError)")
        let objects = jsonObjects(watch.standardOutput)
        let nodes = Set(objects.filter { $0["event"] == nil }.compactMap { $0["node"] as? String })
        #expect(nodes.count == 3, "metric lines for every node: \(nodes)")
        #expect(!objects.contains { $0["event"] as? String == "slots" })
        #expect(!watch.standardError.contains("SLOT-STATS"), "\(watch.standardError)")
    }
}
