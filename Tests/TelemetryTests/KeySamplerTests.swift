import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

@Suite("Key sampler against a real server")
struct KeySamplerTests {
    /// Writes a dataset with known shape; returns when the fixed-TTL keys expire (unix ms).
    private static func seed(_ admin: RedisConnection, perNamespace: Int = 5000) async throws -> Int64 {
        var commands: [RESPCommand] = []
        for index in 0..<perNamespace { commands.append(RESPCommand("SET", "user:\(index):profile", "p")) }
        // 5,000 keys expiring at the same millisecond: a wave with no jitter.
        let expiry = Int64(Date().timeIntervalSince1970 * 1000) + 300_000
        for index in 0..<perNamespace {
            commands.append(RESPCommand("SET", "price:\(index)", "9.99", "PXAT", String(expiry)))
        }
        // 5,000 keys with TTLs of 300 s ± 10 %.
        var generator = SplitMix64(seed: 7)
        for index in 0..<perNamespace {
            commands.append(
                RESPCommand("SET", "product:\(index)", "x", "EX", String(Int.random(in: 270...330, using: &generator))))
        }
        commands.append(RESPCommand(["HSET", "catalog:all"] + (0..<20_000).flatMap { ["f\($0)", "v"] }))
        commands.append(RESPCommand("SET", "report:daily", String(repeating: "r", count: 2 * 1024 * 1024)))
        for start in stride(from: 0, to: commands.count, by: 2000) {
            _ = try await admin.pipeline(Array(commands[start..<min(commands.count, start + 2000)]))
        }
        return expiry
    }

    private static func scan(_ sampler: KeySampler, limit: Int? = nil, total: Int64) async throws -> KeyspaceModel {
        var model = KeyspaceModel()
        model.updateTotal(keys: total)
        while true {
            let batch = try await sampler.nextBatch()
            for key in batch.keys { model.record(key, now: Date()) }
            if batch.finishedPass || (limit.map { model.keysRecorded >= $0 } ?? false) {
                model.refresh(now: Date())
                return model
            }
        }
    }

    @Test("a full scan finds the big keys, collapses namespaces, sees the wave and the jitter")
    func fullScan() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            let expiry = try await Self.seed(admin)
            let sampler = KeySampler(connection: ManagedConnection(endpoint: server.endpoint), configuration: .fullScan)
            let model = try await Self.scan(sampler, total: 15_002)
            #expect(model.sampledKeys == 15_002)
            #expect(model.biggestByMemory.prefix(2).map(\.displayName) == ["report:daily", "catalog:all"])
            #expect(model.biggestByMemory.prefix(2).allSatisfy(model.isBig))
            #expect(model.namespaces["user:*:profile"]?.sampledKeys == 5000)
            #expect(model.namespaces["user:*:profile"]?.shareWithoutTTL == 1)
            let prices = try #require(model.namespaces["price:*"])
            let products = try #require(model.namespaces["product:*"])
            #expect((prices.ttlJitter ?? 1) < 0.01, "identical expiry: no jitter")
            #expect((products.ttlJitter ?? 0) > 0.05, "±10 % TTLs: jitter")
            let now = Date()
            let peak = try #require(model.expiryPeaks(now: now).first)
            let expectedSecond = Int(expiry / 1000 - Int64(now.timeIntervalSince1970))
            #expect(abs(peak.secondsFromNow - expectedSecond) <= 1)
            // Observation times are exact to a few milliseconds, so a wave can straddle two seconds.
            let forecast = model.expiryForecast(now: now)
            let around = (max(0, expectedSecond - 2)...min(forecast.count - 1, expectedSecond)).reduce(0.0) {
                $0 + forecast[$1]
            }
            #expect(around >= 5000, "the wave of 5,000 keys is at the second they expire: \(around)")
            #expect(model.ttlBuckets[.none] == 5002)
            await admin.close()
        }
    }

    @Test("a 10 % sample estimates namespace totals within 10 %")
    func sampledEstimates() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            // 10,000 keys a namespace: a 10 % sample holds ~1,000 of each, a ±3 % standard error.
            _ = try await Self.seed(admin, perNamespace: 10_000)
            let sampler = KeySampler(
                connection: ManagedConnection(endpoint: server.endpoint),
                configuration: KeySamplerConfiguration(scanCount: 100))
            let model = try await Self.scan(sampler, limit: 3000, total: 30_002)
            #expect(model.sampledKeys >= 3000 && model.sampledKeys < 3200)
            for namespace in ["user:*:profile", "price:*", "product:*"] {
                let estimate = model.estimatedKeys(namespace)
                #expect(abs(estimate - 10_000) <= 1000, "\(namespace): estimated \(estimate)")
            }
            await admin.close()
        }
    }

    @Test("hostile key names survive byte for byte and display on one line")
    func hostileNames() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            let names: [[UInt8]] = [
                Array("with space".utf8), Array("new\nline".utf8), Array("quote\"d".utf8), [0x6B, 0xFF, 0x00, 0xC3],
                Array(String(repeating: "n", count: 10_240).utf8), Array("ключ:42".utf8),
            ]
            _ = try await admin.pipeline(names.map { RESPCommand(bytes: [Array("SET".utf8), $0, Array("v".utf8)]) })
            let sampler = KeySampler(connection: ManagedConnection(endpoint: server.endpoint), configuration: .fullScan)
            let model = try await Self.scan(sampler, total: Int64(names.count))
            let seen = Set(model.biggestByMemory.map(\.name))
            #expect(seen == Set(names))
            for key in model.biggestByMemory {
                #expect(!key.displayName.contains("\n"))
            }
            #expect(model.biggestByMemory.contains { $0.displayName == #""k\xff\x00\xc3""# })
            #expect(model.namespaces.keys.contains("ключ:*"))
            await admin.close()
        }
    }

    @Test("MEMORY and OBJECT denied by ACL: sampling goes on and says what is missing")
    func aclDenied() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.send(
                RESPCommand(["ACL", "SETUSER", "sampler", "on", ">pw", "+@all", "-memory", "-object", "~*"]))
            _ = try await admin.pipeline((0..<100).map { RESPCommand("SET", "k:\($0)", "v", "EX", "100") })
            var endpoint = server.endpoint
            endpoint.username = "sampler"
            endpoint.password = Secret("pw")
            func stats() async throws -> InfoSnapshot {
                InfoSnapshot(parsing: try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? "")
            }
            let before = try await stats()
            let own = OwnTraffic()
            let connection = ManagedConnection(endpoint: endpoint)
            var configuration = KeySamplerConfiguration.fullScan
            configuration.object = .always
            let sampler = KeySampler(connection: connection, configuration: configuration, ownTraffic: own)
            let model = try await Self.scan(sampler, total: 100)
            #expect(model.sampledKeys == 100)
            #expect(model.ttlBuckets[.underTenMinutes] == 100)
            let unavailable = await sampler.unavailable
            #expect(unavailable[.memory]?.contains("MEMORY USAGE refused") == true)
            #expect(unavailable[.object]?.contains("OBJECT refused") == true)
            // The refusals are our error replies, and never ran: the server's counters say the same.
            let after = try await stats()
            let handshake = await connection.handshakeCommands
            let errors = (after.stats.totalErrorReplies ?? 0) - (before.stats.totalErrorReplies ?? 0)
            let commands = (after.stats.totalCommandsProcessed ?? 0) - (before.stats.totalCommandsProcessed ?? 0)
            #expect(errors > 0 && own.current.errors == errors, "server \(errors), ours \(own.current)")
            #expect(
                own.current.commands + Int64(handshake) + 1 == commands,
                "server \(commands) (with one INFO), ours \(own.current) + \(handshake)")
            await connection.close()
            await admin.close()
        }
    }

    @Test("under allkeys-lfu a full scan leaves OBJECT FREQ unchanged")
    func noFootprint() async throws {
        try await withRedisServer(["--maxmemory-policy", "allkeys-lfu"]) { server in
            let admin = try await server.client()
            let keys = (0..<300).map { "hot:\($0)" }
            _ = try await admin.pipeline(keys.map { RESPCommand("SET", $0, "v") })
            // Give the keys different frequencies.
            _ = try await admin.pipeline(
                keys.enumerated().flatMap { index, key in
                    Array(repeating: RESPCommand("GET", key), count: index % 7)
                })
            let before = try await admin.pipeline(keys.map { RESPCommand("OBJECT", "FREQ", $0) }).map {
                $0.value.intValue
            }
            let sampler = KeySampler(connection: ManagedConnection(endpoint: server.endpoint), configuration: .fullScan)
            let model = try await Self.scan(sampler, total: 300)
            #expect(model.sampledKeys == 300)
            #expect(model.biggestByMemory.allSatisfy { $0.frequency != nil })
            let after = try await admin.pipeline(keys.map { RESPCommand("OBJECT", "FREQ", $0) }).map {
                $0.value.intValue
            }
            #expect(before == after)
            await admin.close()
        }
    }

    @Test("under a policy that is not LFU a full scan sends no OBJECT: the server counts no error of ours")
    func noErrorsCounted() async throws {
        try await withRedisServer { server in  // noeviction, the servers' default
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<500).map { RESPCommand("SET", "k:\($0)", "v") })
            _ = try await admin.send(RESPCommand("CONFIG", "RESETSTAT"))
            var configuration = KeySamplerConfiguration.fullScan
            configuration.policyRecheck = .zero  // every pass: the policy changes below
            let sampler = KeySampler(
                connection: ManagedConnection(endpoint: server.endpoint), configuration: configuration)
            let model = try await Self.scan(sampler, total: 500)
            #expect(model.sampledKeys == 500)
            #expect(model.biggestByMemory.allSatisfy { $0.frequency == nil && $0.idleSeconds == nil })
            let stats = InfoSnapshot(parsing: try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? "")
            #expect(stats.stats.totalErrorReplies == 0, "the server counted errors")
            let commands = try await admin.send(RESPCommand("INFO", "commandstats")).stringValue ?? ""
            #expect(!commands.contains("cmdstat_object"), "OBJECT was sent: \(commands)")
            // The policy changed to LFU: the next pass reads the counters.
            _ = try await admin.send(RESPCommand("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"))
            let next = try await Self.scan(sampler, total: 500)
            #expect(next.biggestByMemory.allSatisfy { $0.frequency != nil })
            await admin.close()
        }
    }
}
