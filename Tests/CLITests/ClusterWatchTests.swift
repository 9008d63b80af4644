import Foundation
import TestSupport
import Testing

@Suite("watch on a real 3 + 3 cluster")
struct ClusterWatchTests {
    @Test("six nodes from one seed; a killed primary fails over: notice, Failover alert, new primary; it comes back")
    func failover() async throws {
        try await withRedisCluster { cluster in
            let seed = cluster.nodes[0]
            let watch = try CachewatchBinary.start([
                "watch", "redis://127.0.0.1:\(seed.port)", "--format", "json", "-i", "0.5", "--no-sampling",
                "--timeout",
                "1", "--connect-timeout", "1",
            ])
            let names = Set(cluster.nodes.map { "127.0.0.1:\($0.port)" })
            #expect(
                try await eventually(timeout: .seconds(20)) {
                    Set(jsonObjects(watch.standardOutput).compactMap { $0["node"] as? String }) == names
                }, "all six nodes reported: \(watch.standardError)")

            // Kill a primary that is not the seed; its replica takes over after the node timeout.
            var victim = cluster.nodes[1]
            for node in cluster.nodes.dropFirst() where try await cluster.role(of: node) == "master" {
                victim = node
                break
            }
            let victimName = "127.0.0.1:\(victim.port)"
            await victim.stop()
            var promoted: String?
            let noticed = try await eventually(timeout: .seconds(40)) {
                let match = watch.standardError.firstMatch(of: /failover: (127\.0\.0\.1:[0-9]+) is now a primary/)
                promoted = match.map { String($0.1) }
                return promoted != nil
            }
            let seen =
                noticed
                ? ""
                : try await cluster.nodesTable(from: seed)
                    + cluster.nodes.map { "\($0.port): \($0.log.suffix(1500))" }
                    .joined(separator: "\n")
            #expect(noticed, "a failover notice: \(watch.standardError) — the seed sees: \(seen)")
            let newPrimary = try #require(promoted)
            #expect(newPrimary != victimName)
            #expect(
                try await eventually(timeout: .seconds(20)) {
                    let objects = jsonObjects(watch.standardOutput)
                    let alert = objects.contains { object in
                        object["event"] as? String == "alert" && object["alertname"] as? String == "Failover"
                            && object["status"] as? String == "firing"
                            && (object["labels"] as? [String: String])?["node"] == newPrimary
                    }
                    let primaryLine = objects.contains { object in
                        object["node"] as? String == newPrimary && object["role_primary"] as? Double == 1
                    }
                    return alert && primaryLine
                }, "a Failover alert and a line with role_primary 1 for \(newPrimary)")
            #expect(
                jsonObjects(watch.standardOutput).contains { object in
                    object["node"] as? String == victimName && object["up"] as? Double == 0
                })
            #expect(watch.exitCodeIfExited() == nil, "watch keeps running")

            // The old primary comes back: it rejoins as a replica, and watch polls it again.
            let linesBefore = jsonObjects(watch.standardOutput).count
            try await victim.start()
            #expect(
                try await eventually(timeout: .seconds(40)) {
                    jsonObjects(watch.standardOutput).dropFirst(linesBefore).contains { object in
                        object["node"] as? String == victimName && object["up"] as? Double == 1
                            && object["role_primary"] as? Double == 0
                    }
                }, "the old primary is back as a replica: \(watch.standardError.suffix(600))")
            await watch.terminate()
        }
    }

    @Test("the dashboard on one seed: the nodes view lists all six, slots and roles; Enter opens a node")
    func dashboardNodesView() async throws {
        try await withRedisCluster { cluster in
            try await withTmux(
                width: 160, height: 40,
                command: [CachewatchBinary.path, "top", "redis://127.0.0.1:\(cluster.nodes[0].port)", "-i", "0.5"],
                environment: ["LANG": "C.UTF-8", "TZ": "UTC"]
            ) { tmux in
                try await tmux.send("7")
                let screen = try await tmux.waitForScreen(containing: "all slots served")
                let listed = try await eventually(timeout: .seconds(10)) {
                    let text = try await tmux.screen()
                    return cluster.nodes.allSatisfy { text.contains("127.0.0.1:\($0.port)") }
                        && text.components(separatedBy: " primary ").count - 1 == 3
                        && text.components(separatedBy: " replica ").count - 1 == 3
                }
                // Checked on a screen with all six listed: the first "all slots served" can come
                // before the last primary's first poll ("all primaries (2)").
                let shown = try await tmux.screen()
                #expect(listed, "\(shown)")
                #expect(screen.contains("cluster 3 primaries"))
                let allPrimaries = try await eventually(timeout: .seconds(10)) {
                    try await tmux.screen().contains("all primaries (3)")
                }
                let summary = try await tmux.screen()
                #expect(allPrimaries, "\(summary)")
                // Slots: 5461 + 5462 + 5461 across the primaries.
                let text = try await tmux.screen()
                #expect(text.contains(" 5461 ") && text.contains(" 5462 "))
                // The second row (a replica of the first primary) opened, then the first (a primary):
                // the header names the node, its place among the six, and a primary's slots.
                try await tmux.send("Down")
                try await tmux.send("Enter")
                let replicaScreen = try await tmux.waitForScreen(containing: "Hit ratio")
                let replicaHeader = replicaScreen.split(separator: "\n").first.map(String.init) ?? ""
                #expect(replicaHeader.contains("/6) · replica"), "\(replicaHeader)")
                try await tmux.send("7")
                _ = try await tmux.waitForScreen(containing: "all slots served")
                try await tmux.send("Up")
                try await tmux.send("Enter")
                let primaryScreen = try await tmux.waitForScreen(containing: "Hit ratio")
                let primaryHeader = primaryScreen.split(separator: "\n").first.map(String.init) ?? ""
                #expect(primaryHeader.contains("/6) · master · slots "), "\(primaryHeader)")
                try await tmux.send("q")
                #expect(try await eventually(timeout: .seconds(20)) { try await tmux.exitStatus() == 0 })
            }
        }
    }
}
