import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

/// A primary found through Redis Sentinel, with real sentinels (`redis-server … --sentinel`) of
/// the pass's server: discovery through the URL, a failover followed, the sentinels' quorum
/// watched.
@Suite("watch through Sentinel")
struct SentinelWatchTests {
    @Test(
        "redis+sentinel:// finds the primary and its replica; the primary killed, the failover is announced and the new primary polled within 15 s of the sentinels' switch"
    )
    func followsFailover() async throws {
        try await withSentinelDeployment { deployment in
            let watch = try CachewatchBinary.start([
                "watch", deployment.url(), "-i", "0.5", "--format", "json", "--no-sampling",
            ])
            defer { Task { await watch.terminate() } }
            let primary = "127.0.0.1:\(deployment.nodes[0].port)"
            let replica = "127.0.0.1:\(deployment.nodes[1].port)"
            func lines(of node: String) -> [[String: Any]] {
                watch.standardOutput.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }.filter { $0["node"] as? String == node && $0["event"] == nil }
            }
            let both = try await eventually(timeout: .seconds(20)) {
                !lines(of: replica).isEmpty && (lines(of: primary).last?["sentinel_quorum_ok"] as? Double) == 1
            }
            #expect(both, "both nodes polled: \(watch.standardError.suffix(600))")
            #expect((lines(of: primary).last?["sentinels_reachable"] as? Double) == 3)
            #expect(
                !lines(of: replica).contains { $0["sentinels_reachable"] as? Double != nil },
                "the sentinels' figures are the primary's")

            deployment.nodes[0].stopImmediately()
            var switched: ContinuousClock.Instant?
            let promoted = try await eventually(timeout: .seconds(40)) {
                if switched == nil, await deployment.primaryPort() == deployment.nodes[1].port { switched = .now }
                return switched != nil
            }
            #expect(promoted, "the sentinels promoted the replica: \(deployment.logs)")
            let before = lines(of: replica).count
            let followed = try await eventually(timeout: .seconds(15)) {
                watch.standardError.contains("failover: mymaster: \(replica) is now the primary (was \(primary))")
                    && lines(of: replica).dropFirst(before).contains { ($0["sentinel_quorum_ok"] as? Double) == 1 }
            }
            #expect(
                followed,
                "announced and polled as the primary within 15 s of the switch: \(watch.standardError.suffix(800))")
            if let switched { #expect(ContinuousClock.now - switched < .seconds(16)) }
        }
    }

    @Test("one sentinel stopped: the quorum holds; two stopped: SentinelQuorumLost fires")
    func quorum() async throws {
        try await withSentinelDeployment { deployment in
            let watch = try CachewatchBinary.start([
                "watch", deployment.url(sentinels: 1), "-i", "0.5", "--format", "json", "--no-sampling",
            ])
            defer { Task { await watch.terminate() } }
            let primary = "127.0.0.1:\(deployment.nodes[0].port)"
            func last(_ field: String) -> Double? {
                watch.standardOutput.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }.last { $0["node"] as? String == primary && $0[field] != nil }?[field] as? Double
            }
            // The other two sentinels are found through the first.
            let all = try await eventually(timeout: .seconds(20)) { last("sentinels_reachable") == 3 }
            #expect(all, "\(watch.standardOutput.suffix(500))")
            await deployment.stopSentinel(2)
            let two = try await eventually(timeout: .seconds(20)) { last("sentinels_reachable") == 2 }
            #expect(two)
            #expect(last("sentinel_quorum_ok") == 1, "two of three sentinels still make the quorum of 2")
            #expect(watch.standardError.contains("sentinel: 127.0.0.1:\(deployment.sentinelPorts[2]) does not answer"))
            #expect(!watch.standardOutput.contains("SentinelQuorumLost"))
            await deployment.stopSentinel(1)
            let lost = try await eventually(timeout: .seconds(30)) {
                watch.standardOutput.contains("\"alertname\":\"SentinelQuorumLost\"")
            }
            #expect(lost, "\(watch.standardOutput.suffix(800))")
            #expect(last("sentinel_quorum_ok") == 0)
        }
    }

    @Test("a sentinel given as a plain redis:// URL is recognised and its primary followed, with a line saying so")
    func plainURL() async throws {
        try await withSentinelDeployment { deployment in
            let sentinel = "127.0.0.1:\(deployment.sentinelPorts[0])"
            let watch = try CachewatchBinary.start([
                "watch", "redis://\(sentinel)", "-i", "0.5", "--format", "json", "--no-sampling",
            ])
            defer { Task { await watch.terminate() } }
            let primary = "127.0.0.1:\(deployment.nodes[0].port)"
            let said = try await eventually(timeout: .seconds(20)) {
                watch.standardError.contains(
                    "\(sentinel) is a sentinel: following its primary 'mymaster' (\(primary), 1 replicas)")
                    && watch.standardOutput.contains("\"node\":\"\(primary)\"")
            }
            #expect(said, "\(watch.standardError.suffix(500))")
            #expect(!watch.standardOutput.contains("\"node\":\"\(sentinel)\""), "the sentinel is not polled as a cache")
        }
    }

    @Test("bad Sentinel input: one line each (no master name, an unknown master, no sentinel answering, mixed targets)")
    func badInput() async throws {
        try await withSentinelDeployment(sentinels: 1) { deployment in
            let port = deployment.sentinelPorts[0]
            let unknown = try await CachewatchBinary.run([
                "watch", "redis+sentinel://127.0.0.1:\(port)/nosuch", "-c", "1",
            ])
            #expect(
                unknown.code == 1 && unknown.stderr.contains("no sentinel knows a primary named 'nosuch'"),
                "\(unknown.stderr)")
            #expect(unknown.stderr.split(separator: "\n").count == 1)
        }
        let closed = try FreePort.next()
        let nobody = try await CachewatchBinary.run([
            "watch", "redis+sentinel://127.0.0.1:\(closed)/mymaster", "-c", "1",
        ])
        #expect(nobody.code == 1 && nobody.stderr.contains("no sentinel answers"), "\(nobody.stderr)")
        let noName = try await CachewatchBinary.run(["watch", "redis+sentinel://127.0.0.1:26379"])
        #expect(noName.code == 64 && noName.stderr.contains("the primary's name is missing"), "\(noName.stderr)")
        let mixed = try await CachewatchBinary.run([
            "watch", "redis+sentinel://127.0.0.1:26379/m", "redis://127.0.0.1:6379",
        ])
        #expect(mixed.code == 64 && mixed.stderr.contains("watched alone"), "\(mixed.stderr)")
        let noMaster = try await CachewatchBinary.run(["watch", "--sentinel", "127.0.0.1:26379"])
        #expect(noMaster.code == 64 && noMaster.stderr.contains("--sentinel needs --master"), "\(noMaster.stderr)")
        let secret = try await CachewatchBinary.run([
            "watch", "redis+sentinel://:hunter2@127.0.0.1:\(closed)/mymaster", "-c", "1", "--no-auth-warning",
        ])
        #expect(!secret.stderr.contains("hunter2") && !secret.stdout.contains("hunter2"))
    }
}
