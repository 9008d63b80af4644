import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

@Suite("INFO parsing")
struct InfoSnapshotTests {
    static let redis6Style = """
        # Server\r
        redis_version:6.2.14\r
        redis_mode:standalone\r
        run_id:abc123\r
        uptime_in_seconds:3600\r
        tcp_port:6379\r
        \r
        # Clients\r
        connected_clients:12\r
        blocked_clients:2\r
        maxclients:10000\r
        \r
        # Memory\r
        used_memory:1048576\r
        used_memory_rss:2097152\r
        maxmemory:67108864\r
        maxmemory_policy:allkeys-lru\r
        mem_fragmentation_ratio:2.00\r
        \r
        # Stats\r
        total_commands_processed:1000\r
        keyspace_hits:900\r
        keyspace_misses:100\r
        evicted_keys:5\r
        expired_keys:7\r
        \r
        # Replication\r
        role:master\r
        connected_slaves:1\r
        slave0:ip=10.0.0.2,port=6380,state=online,offset=12345,lag=1\r
        master_repl_offset:12400\r
        \r
        # CPU\r
        used_cpu_sys:1.50\r
        used_cpu_user:2.25\r
        \r
        # Commandstats\r
        cmdstat_get:calls=900,usec=1800,usec_per_call=2.00,rejected_calls=0,failed_calls=0\r
        cmdstat_config|get:calls=3,usec=30,usec_per_call=10.00\r
        \r
        # Errorstats\r
        errorstat_ERR:count=4\r
        errorstat_WRONGTYPE:count=1\r
        \r
        # Keyspace\r
        db0:keys=100,expires=40,avg_ttl=5000\r
        db3:keys=5,expires=0,avg_ttl=0\r
        some_future_field:with:colons\r

        """

    @Test("typed fields, raw fields and the keyspace from a Redis 6 style reply")
    func parsesRedis6() {
        let info = InfoSnapshot(parsing: Self.redis6Style)
        #expect(info.server.serverName == "redis")
        #expect(info.server.version == "6.2.14")
        #expect(info.server.runID == "abc123")
        #expect(info.server.uptimeSeconds == 3600)
        #expect(info.clients.connected == 12 && info.clients.blocked == 2)
        #expect(info.memory.maxmemory == 67_108_864 && info.memory.maxmemoryPolicy == .allKeysLRU)
        #expect(info.memory.fragmentationRatio == 2.0)
        #expect(info.stats.keyspaceHits == 900 && info.stats.keyspaceMisses == 100)
        #expect(info.stats.totalErrorReplies == nil)  // not in this version: absent, not 0
        #expect(
            info.replication.replicas == [
                ReplicaLink(ip: "10.0.0.2", port: 6380, state: "online", offset: 12345, lag: 1)
            ])
        #expect(info.cpu.system == 1.5 && info.cpu.user == 2.25)
        #expect(info.commandStats["get"]?.calls == 900)
        #expect(info.commandStats["config|get"]?.microsecondsPerCall == 10)
        #expect(info.errorStats == ["ERR": 4, "WRONGTYPE": 1])
        #expect(info.keyspace[0] == KeyspaceEntry(keys: 100, expires: 40, averageTTLMilliseconds: 5000))
        #expect(info.totalKeys == 105 && info.totalKeysWithExpiry == 40)
        #expect(info.latencyStats.isEmpty)
        #expect(info["some_future_field"] == "with:colons")
    }

    @Test("Valkey names itself")
    func parsesValkey() {
        let info = InfoSnapshot(
            parsing:
                "# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.1.1\r\nserver_mode:standalone\r\n"
        )
        #expect(info.server.serverName == "valkey")
        #expect(info.server.version == "8.1.1")
        #expect(info.server.mode == "standalone")
    }

    @Test("INFO everything from a real server fills every typed section")
    func parsesRealServer() async throws {
        // Latency tracking (and INFO latencystats) came with Redis 7.
        let modern = ServerBinary.majorVersion >= 7
        try await withRedisServer(
            ["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lfu"]
                + (modern ? ["--latency-tracking", "yes"] : [])
        ) { server in
            let admin = try await server.client()
            _ = try await admin.pipeline([
                RESPCommand("SET", "a", "1"), RESPCommand("GET", "a"), RESPCommand("GET", "zz"),
            ])
            let text = try await admin.send(RESPCommand("INFO", "everything")).stringValue ?? ""
            let info = InfoSnapshot(parsing: text)
            #expect(
                info.sectionNames.isSuperset(of: [
                    "server", "clients", "memory", "stats", "replication", "cpu",
                    "commandstats", "errorstats", "keyspace",
                ]))
            #expect(info.sectionNames.contains("latencystats") == modern)
            #expect(info.server.tcpPort == server.port)
            #expect(info.memory.maxmemory == Int64(67_108_864))
            #expect(info.memory.maxmemoryPolicy == .allKeysLFU)
            #expect(info.stats.keyspaceHits == 1 && info.stats.keyspaceMisses == 1)
            #expect(info.replication.role == .primary)
            #expect(info.keyspace[0]?.keys == 1)
            #expect(info.commandStats["set"]?.calls == 1)
            #expect((info.latencyStats["get"]?["p50"] != nil) == modern)
            await admin.close()
        }
    }
}
