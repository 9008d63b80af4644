import CSV
import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

/// `cachewatch scan --rdb`: a dump read as a live full scan reads the server — the same report in
/// text, JSON and CSV, from a file or a pipe from `redis-cli --rdb -`, several files as one; a
/// file that is not a dump, or a damaged one, is one line and exit 1.
@Suite("cachewatch scan --rdb", .sameOnEveryServer)
struct ScanRDBTests {
    /// A server with 3,000 user profiles (TTL 10 min), 2,000 pages without TTL and a 1.5 MB
    /// report, saved; `body` gets the server and its dump's path.
    private static func withDump<Result>(_ body: (RedisServer, String) async throws -> Result) async throws -> Result {
        try await withRedisServer { server in
            let admin = try await server.client()
            var commands = (0..<3000).map { RESPCommand("SET", "user:\($0):profile", "v", "EX", "600") }
            commands += (0..<2000).map { RESPCommand("SET", "page:\($0)", "v") }
            commands.append(RESPCommand("SET", "report:daily", String(repeating: "r", count: 1_500_000)))
            commands.append(RESPCommand("SAVE"))
            _ = try await admin.pipeline(commands)
            await admin.close()
            return try await body(server, server.directory + "/dump.rdb")
        }
    }

    @Test("text, JSON and CSV of a dump: every key, namespaces and TTLs as of the dump's time, the big key")
    func formats() async throws {
        try await Self.withDump { server, path in
            let text = try await CachewatchBinary.run(["scan", "--rdb", path])
            #expect(text.code == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("\(path): 5001 keys, the whole dump in "), "\(text.stdout)")
            #expect(text.stdout.contains("checksum verified"), "\(text.stdout)")
            #expect(text.stdout.contains("report:daily  [big]"), "\(text.stdout)")
            #expect(text.stdout.contains("user:*:profile"), "\(text.stdout)")

            let json = try await CachewatchBinary.run(["scan", "--rdb", path, "--json"])
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
            #expect(object["sampled_keys"] as? Int == 5001 && object["total_keys"] as? Int == 5001)
            let namespaces = try #require(object["namespaces"] as? [[String: Any]])
            let users = try #require(namespaces.first { $0["namespace"] as? String == "user:*:profile" })
            #expect(users["estimated_keys"] as? Double == 3000)
            #expect(users["share_without_ttl"] as? Double == 0)
            // TTLs as of the dump (its time is to the second): 600 s at the SAVE, whenever read.
            let maxTTL = try #require(users["max_ttl_ms"] as? Int)
            #expect(maxTTL > 590_000 && maxTTL <= 601_000, "\(maxTTL)")
            let pages = try #require(namespaces.first { $0["namespace"] as? String == "page:*" })
            #expect(pages["share_without_ttl"] as? Double == 1)

            let csv = try await CachewatchBinary.run(["scan", "--rdb", path, "--csv"])
            #expect(csv.code == 0)
            let rows = try CSVReader(string: csv.stdout, hasHeaderRow: true)
            var sections = Set<String>()
            while let row = rows.next() { sections.insert(row[0]) }
            #expect(sections.isSuperset(of: ["key", "namespace", "ttl_bucket"]), "\(sections)")

            // Redacted: no key name in any format, namespaces (already patterns) kept.
            for format in ["--json", "--csv", "--top=5"] {
                let redacted = try await CachewatchBinary.run(["scan", "--rdb", path, "--redact-keys", format])
                #expect(redacted.code == 0)
                #expect(!redacted.stdout.contains("report:daily"), "\(format): \(redacted.stdout.prefix(400))")
                #expect(redacted.stdout.contains("key#") && redacted.stdout.contains("user:*:profile"), "\(format)")
            }
            _ = server
        }
    }

    @Test("a pipe from redis-cli --rdb -, and two servers' files as one report")
    func pipeAndSeveral() async throws {
        try await Self.withDump { server, path in
            let pipe = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c",
                    "redis-cli -p \(server.port) --rdb - 2>/dev/null | '\(CachewatchBinary.path)' scan --rdb - --json",
                ])
            #expect(try await pipe.waitForExit() == 0, "\(pipe.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(pipe.standardOutput.utf8)) as? [String: Any],
                "\(pipe.standardError)")
            #expect(object["sampled_keys"] as? Int == 5001)
            // Another node's dump (a cluster's other primary, say): one report of both.
            try await withRedisServer { other in
                let admin = try await other.client()
                _ = try await admin.pipeline(
                    (0..<10).map { RESPCommand("SET", "other:\($0)", "v") } + [RESPCommand("SAVE")])
                await admin.close()
                let two = try await CachewatchBinary.run(
                    ["scan", "--rdb", path, "--rdb", other.directory + "/dump.rdb", "--json"])
                let both = try #require(
                    try JSONSerialization.jsonObject(with: Data(two.stdout.utf8)) as? [String: Any], "\(two.stderr)")
                #expect(both["sampled_keys"] as? Int == 5011)
                #expect(both["node"] as? String == "2 RDB files")
            }
        }
    }

    @Test("a slow pipe on a terminal: bytes read shown while it lasts, the line cleared before the report")
    func progressOnTerminal() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline(
                (0..<60_000).map { RESPCommand("SET", "session:\($0)", "v", "EX", "600") } + [RESPCommand("SAVE")])
            await admin.close()
            // The dump trickled in 32 KB pieces, ten a second: a few seconds of reading.
            let trickle =
                "import sys, time\nwith open(sys.argv[1], 'rb') as f:\n    while chunk := f.read(32768):\n"
                + "        sys.stdout.buffer.write(chunk); sys.stdout.flush(); time.sleep(0.1)"
            // The shell stays after the report: a dead pane's notice would scroll its first line off.
            let command =
                "python3 -c \"$0\" '\(server.directory)/dump.rdb' | '\(CachewatchBinary.path)' scan --rdb - --top 3; sleep 60"
            try await withTmux(width: 100, height: 60, command: ["/bin/sh", "-c", command, trickle]) { tmux in
                let reading = try await tmux.waitForScreen(containing: "read ", timeout: .seconds(20))
                #expect(reading.contains("B of -"), "\(reading)")
                let report = try await tmux.waitForScreen(containing: "the whole dump in", timeout: .seconds(30))
                #expect(report.contains("-: 60000 keys"), "\(report)")
                #expect(!report.contains("B of -"), "the progress line is cleared: \(report)")
            }
        }
    }

    @Test("not a dump, a damaged dump, a missing file, a URL beside --rdb: one line, exit 1 or 64")
    func badInput() async throws {
        try await Self.withDump { _, path in
            let text = try TemporaryFile.containing("just text\n", suffix: ".rdb")
            let notDump = try await CachewatchBinary.run(["scan", "--rdb", text])
            #expect(notDump.code == 1)
            #expect(notDump.stderr.contains("at byte 0: not an RDB file"), "\(notDump.stderr)")
            #expect(notDump.stderr.split(separator: "\n").count == 1)

            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x10
            let damagedPath = try TemporaryFile.directory(prefix: "cw-damaged") + "/dump.rdb"
            FileManager.default.createFile(atPath: damagedPath, contents: Data(bytes))
            let damaged = try await CachewatchBinary.run(["scan", "--rdb", damagedPath])
            #expect(damaged.code == 1)
            #expect(damaged.stderr.contains("at byte "), "\(damaged.stderr)")
            #expect(damaged.stderr.split(separator: "\n").count == 1, "\(damaged.stderr)")

            let missing = try await CachewatchBinary.run(["scan", "--rdb", "/nonexistent/dump.rdb"])
            #expect(
                missing.code == 1 && missing.stderr.contains("cannot open /nonexistent/dump.rdb"), "\(missing.stderr)")

            let both = try await CachewatchBinary.run(["scan", "redis://127.0.0.1:1", "--rdb", path])
            #expect(both.code == 64 && both.stderr.contains("--rdb reads a file, not a server"), "\(both.stderr)")
            let verify = try await CachewatchBinary.run(["scan", "--no-verify", "-p", "1"])
            #expect(verify.code == 64 && verify.stderr.contains("--no-verify goes with --rdb"), "\(verify.stderr)")
        }
    }

    @Test(
        "snapshot --rdb: the dump's whole keyspace in namespaces.csv and bigkeys.csv, the manifest says which file and how old"
    )
    func snapshotFromDump() async throws {
        try await Self.withDump { server, path in
            // Written after the dump: the live server has them, the dump does not.
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<500).map { RESPCommand("SET", "later:\($0)", "v") })
            await admin.close()
            let out = try TemporaryFile.directory(prefix: "cw-snap-rdb")
            let result = try await CachewatchBinary.run(
                ["snapshot", "-p", String(server.port), "--out", out, "--window", "1", "--rdb", path],
                timeout: .seconds(60))
            #expect(result.code == 0, "\(result.stderr)")
            let directory = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let (tables, _) = try await CSVReadBack.read([directory])
            let namespaces = try #require(tables["namespaces.csv"]).rows
            let users = try #require(namespaces.first { $0["namespace"] == "user:*:profile" }, "\(namespaces)")
            #expect(users["estimated_keys"] == "3000", "\(users)")
            #expect(!namespaces.contains { $0["namespace"] == "later:*" }, "the dump's keys only")
            let big = try #require(tables["bigkeys.csv"]).rows
            #expect(big.contains { $0["key"] == "report:daily" })
            let manifest = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json")))
                    as? [String: Any])
            #expect(manifest["keyspace_from_rdb"] as? String == path)
            #expect((manifest["rdb_age_seconds"] as? Double).map { $0 >= 0 && $0 < 120 } == true, "\(manifest)")

            let bad = try await CachewatchBinary.run(
                ["snapshot", "-p", String(server.port), "--out", out, "--window", "1", "--rdb", "/nonexistent.rdb"])
            #expect(bad.code == 1 && bad.stderr.contains("cannot open /nonexistent.rdb"), "\(bad.stderr)")
        }
    }
}
