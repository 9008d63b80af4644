import NIOCore
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

/// The poll plan: which requests a poll sends for what the server has, and its replies found by
/// request. Pure values: no server.
@Suite("Poll plan", .sameOnEveryServer)
struct PollPlanTests {
    private static func names(_ plan: PollPlan) -> [String] {
        plan.commands.map { command in
            command.arguments.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
    }

    private static func capabilities(_ info: String, cluster: Bool = false) -> PollCapabilities {
        var capabilities = PollCapabilities()
        capabilities.learn(from: InfoSnapshot(parsing: info))
        capabilities.isCluster = cluster
        return capabilities
    }

    private static func plan(
        _ capabilities: PollCapabilities, everything: Bool = true, hotSlots: [Int] = []
    ) -> PollPlan {
        PollPlan(
            capabilities: capabilities, everything: everything, slowlogCount: 128, slotRange: 0...2047,
            hotSlots: hotSlots)
    }

    @Test("a plain server: PING, INFO (every section at the slow pace), SLOWLOG; one request after INFO")
    func plain() {
        let redis = Self.capabilities("redis_version:7.0.15\r\n")
        #expect(Self.names(Self.plan(redis)) == ["PING", "INFO everything", "SLOWLOG GET 128"])
        #expect(Self.names(Self.plan(redis, everything: false)) == ["PING", "INFO", "SLOWLOG GET 128"])
        #expect(Self.plan(redis).countAfterInfo == 1)
        // Redis 8.2 in cluster mode reads slot statistics; outside cluster mode nothing more.
        let redis82 = Self.capabilities("redis_version:8.2.3\r\n")
        #expect(Self.plan(redis82).requests.count == 3)
        let cluster = Self.plan(Self.capabilities("redis_version:8.2.3\r\n", cluster: true), hotSlots: [7, 12182])
        #expect(
            Self.names(cluster) == [
                "PING", "INFO everything", "SLOWLOG GET 128", "CLUSTER INFO", "CLUSTER SLOT-STATS SLOTSRANGE 0 2047",
                "CLUSTER GETKEYSINSLOT 7 128", "CLUSTER GETKEYSINSLOT 12182 128",
            ])
        #expect(cluster.countAfterInfo == 5)
        // Redis 7.0 in cluster mode has no slot statistics: no page, no hot slots named.
        let old = Self.plan(Self.capabilities("redis_version:7.0.15\r\n", cluster: true), hotSlots: [7])
        #expect(Self.names(old) == ["PING", "INFO everything", "SLOWLOG GET 128", "CLUSTER INFO"])
    }

    @Test("Valkey 8.1 reads both command logs at the first chance, then only with every section")
    func commandLog() {
        var valkey = Self.capabilities("redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.8\r\n")
        let first = Self.plan(valkey, everything: false)
        #expect(first.contains(.commandLog(.largeRequest, count: PollCapabilities.commandLogCount)))
        #expect(first.contains(.commandLog(.largeReply, count: PollCapabilities.commandLogCount)))
        valkey.commandLogRead = true
        #expect(!Self.plan(valkey, everything: false).requests.contains { $0.part == .commandLog })
        #expect(Self.plan(valkey, everything: true).requests.filter { $0.part == .commandLog }.count == 2)
        // Valkey 8.0 has slot statistics but no command log.
        let valkey80 = Self.capabilities("redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.2\r\n")
        #expect(!PollCapabilities().hasSlotStats && valkey80.hasSlotStats && !valkey80.hasCommandLog)
    }

    @Test("a refused part is not asked again; without INFO nothing counts as after it")
    func refused() {
        var capabilities = Self.capabilities("redis_version:7.0.15\r\n", cluster: true)
        capabilities.refused[.slowlog] = "SLOWLOG refused"
        capabilities.refused[.cluster] = "CLUSTER refused"
        #expect(Self.names(Self.plan(capabilities)) == ["PING", "INFO everything"])
        capabilities.refused[.info] = "INFO refused"
        let bare = Self.plan(capabilities)
        #expect(Self.names(bare) == ["PING"] && bare.countAfterInfo == 0)
        // A server that knows no `everything` steps down to `all`, then to plain INFO.
        var old = PollCapabilities()
        old.infoSections.removeFirst()
        #expect(Self.names(Self.plan(old)).contains("INFO all"))
        old.infoSections.removeFirst()
        #expect(Self.names(Self.plan(old)).contains("INFO"))
    }

    @Test("replies are found by request, whatever their place; a request not sent has none")
    func replies() {
        let plan = Self.plan(Self.capabilities("redis_version:7.0.15\r\n"))
        let replies = plan.replies([
            PipelineReply(value: .simpleString("PONG"), latency: .milliseconds(1)),
            PipelineReply(
                value: .bulkString(ByteBuffer(string: "redis_version:7.0.15\r\n")), latency: .milliseconds(2)),
            PipelineReply(value: .array([]), latency: .milliseconds(3)),
        ])
        #expect(replies[.ping]?.latency == .milliseconds(1))
        #expect(replies[.info(section: "everything")]?.value.stringValue == "redis_version:7.0.15\r\n")
        #expect(replies[.slowlog(count: 128)]?.value.elements?.isEmpty == true)
        #expect(replies[.clusterInfo] == nil && replies[.info(section: nil)] == nil)
    }
}
