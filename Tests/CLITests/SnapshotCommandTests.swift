import Foundation
import RESP
import TestSupport
import Testing

/// `cachewatch snapshot`, `watch --csv` and the dashboard's `e`, read back by Python's csv module.
@Suite("CSV exports", .sameOnEveryServer)
struct SnapshotCommandTests {
    private static let password = "s3cret-Pa55"

    /// Key names a spreadsheet or a naive CSV writer would break on, as bytes.
    private static let hostile: [[UInt8]] = [
        Array("a,b\"c".utf8), Array("line\nbreak".utf8), Array("=HYPERLINK(\"http://x\")".utf8), Array("+1".utf8),
        Array("-2".utf8), Array("@sum".utf8), Array("\ttab".utf8), Array("bin".utf8) + [0xFF, 0xFE, 0x00],
    ]

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// A password-protected server holding the hostile keys (64 KB each, so they are the biggest)
    /// and a hundred ordinary ones with TTLs.
    private static func withSeededServer<Result>(_ body: (RedisServer) async throws -> Result) async throws -> Result {
        try await withRedisServer(["--requirepass", password, "--slowlog-log-slower-than", "0"]) { server in
            let admin = try await server.client(password: password)
            let value = Array(repeating: UInt8(ascii: "v"), count: 65_536)
            _ = try await admin.pipeline(hostile.map { RESPCommand(bytes: [Array("SET".utf8), $0, value]) })
            _ = try await admin.pipeline((0..<100).map { RESPCommand("SET", "user:\($0):profile", "p", "EX", "600") })
            await admin.close()
            return try await body(server)
        }
    }

    private func snapshot(_ server: RedisServer, into out: String, _ extra: [String] = []) async throws -> String {
        let result = try await CachewatchBinary.run(
            [
                "snapshot", "-p", String(server.port), "--out", out, "--window", "1.2", "-i", "0.3", "--sample-rate",
                "5000",
            ]
                + extra, environment: ["REDISCLI_AUTH": Self.password])
        #expect(result.code == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The one-shot default rate covers a small keyspace in a short window: three 1 MB keys among
    /// 2,003 are all found (a 10 s window at 100 keys/s once missed one). `--out` names a
    /// directory that does not exist yet: it is created.
    @Test("snapshot at its default rate finds every big key of 2,003 in a 3 s window; --out is created")
    func coversSmallKeyspace() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<2000).map { RESPCommand("SET", "item:\($0)", "v", "EX", "900") })
            let blob = String(repeating: "b", count: 1_048_576)
            _ = try await admin.pipeline((0..<3).map { RESPCommand("SET", "blob:\($0)", blob) })
            await admin.close()
            let out = try TemporaryFile.directory(prefix: "cw-snap") + "/nested/snapshots"
            let result = try await CachewatchBinary.run(
                ["snapshot", "-p", String(server.port), "--out", out, "--window", "3", "-i", "0.5"])
            #expect(result.code == 0, "\(result.stderr)")
            let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(path.hasPrefix(out + "/cachewatch-snapshot-"))
            let (tables, _) = try await CSVReadBack.read([path])
            let bigKeys = try #require(tables["bigkeys.csv"]).rows.filter { $0["list"] == "by_memory" }
            for index in 0..<3 {
                #expect(bigKeys.contains { $0["key"] == "blob:\(index)" }, "blob:\(index) missing")
            }
        }
    }

    @Test("a snapshot reads back strictly; hostile key names round-trip; formulas are neutralised; no password")
    func hostileNames() async throws {
        try await Self.withSeededServer { server in
            let out = try TemporaryFile.directory(prefix: "cw-snap")
            let path = try await snapshot(server, into: out)
            #expect(path.hasPrefix(out + "/cachewatch-snapshot-"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: out)
            #expect(
                leftovers == [URL(fileURLWithPath: path).lastPathComponent], "no partial directory left: \(leftovers)")

            let (tables, manifest) = try await CSVReadBack.read([path])
            #expect(
                Set(tables.keys) == [
                    "metrics.csv", "bigkeys.csv", "namespaces.csv", "ttl_histogram.csv", "expiry_forecast.csv",
                    "slowlog.csv", "commands.csv", "alerts.csv", "hotkeys.csv",
                ])
            let bigKeys = try #require(tables["bigkeys.csv"]).rows.filter { $0["list"] == "by_memory" }
            for name in Self.hostile {
                let row = try #require(bigKeys.first { $0["key_hex"] == Self.hex(name) }, "\(name) missing")
                guard let text = String(validating: name, as: UTF8.self) else {
                    #expect(row["key"] == "\"bin\\xff\\xfe\\x00\"", "non-UTF-8: the redis-cli escaped form")
                    continue
                }
                let formulaLike = "=+-@\t".contains(text.first ?? " ")
                #expect(row["key"] == (formulaLike ? "'" + text : text), "\(text) → \(row["key"] ?? "nil")")
                #expect(row["memory_bytes"].flatMap(Int.init) ?? 0 > 65_536)
            }
            let metrics = try #require(tables["metrics.csv"])
            #expect(metrics.header.prefix(5) == ["time", "ts_ms", "node", "up", "ops_per_sec"])
            #expect(metrics.rows.count >= 4 && metrics.rows.allSatisfy { $0["up"] == "1" && $0["keys"] == "108" })
            #expect(metrics.rows.last?["hit_ratio"].map { $0.isEmpty || Double($0) != nil } ?? false)
            let namespaces = try #require(tables["namespaces.csv"]).rows
            #expect(namespaces.contains { $0["namespace"] == "user:*:profile" && $0["sampled_keys"] == "100" })
            // The server publishes no keyspace events: their columns are there, empty.
            #expect(
                namespaces.allSatisfy { row in
                    ["evicted_per_sec", "expired_per_sec", "misses_per_sec"].allSatisfy { row[$0] == "" }
                })
            #expect(
                try #require(tables["commands.csv"]).rows.contains { $0["command"] == "set" && $0["calls"] == "108" })
            #expect(try #require(tables["expiry_forecast.csv"]).rows.count == 600)
            #expect(manifest["endpoint"] as? String == "127.0.0.1:\(server.port)")
            #expect(manifest["server_version"] as? String != nil && manifest["sampling_coverage"] as? Double == 1)

            // The password is nowhere; the slow log (every command is slow here, so it holds the
            // newest 128: the sampler's and poller's own) is exported.
            for file in try FileManager.default.contentsOfDirectory(atPath: path) {
                let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
                #expect(!text.contains(Self.password), "\(file) holds the password")
            }
            let slowlog = try #require(tables["slowlog.csv"]).rows
            #expect(slowlog.count >= 100 && slowlog.allSatisfy { !($0["command"] ?? "").isEmpty })
            #expect(slowlog.contains { $0["command"] == "INFO" && $0["client_name"] == "cachewatch" })
        }
    }

    @Test("--redact-keys: no key name in any file, the same token in every snapshot; --no-formula-guard")
    func redaction() async throws {
        try await Self.withSeededServer { server in
            let out = try TemporaryFile.directory(prefix: "cw-snap")
            let first = try await snapshot(server, into: out, ["--redact-keys"])
            let second = try await snapshot(server, into: out, ["--redact-keys"])
            #expect(first != second)
            var tokens: [Set<String>] = []
            for path in [first, second] {
                for file in try FileManager.default.contentsOfDirectory(atPath: path) {
                    let text = try String(contentsOfFile: path + "/" + file, encoding: .utf8)
                    for name in ["a,b", "HYPERLINK", "line\nbreak", "line\\x0abreak", "@sum", "user:1:profile"] {
                        #expect(!text.contains(name), "\(file) shows \(name)")
                    }
                }
                let rows = try await CSVReadBack.read([path + "/bigkeys.csv"]).tables["bigkeys.csv"]?.rows ?? []
                #expect(rows.allSatisfy { $0["key"]?.hasPrefix("key#") == true && $0["key_hex"] == "" })
                tokens.append(Set(rows.compactMap { $0["key"] }))
            }
            #expect(tokens[0] == tokens[1] && tokens[0].count >= Self.hostile.count)

            let raw = try await snapshot(server, into: out, ["--no-formula-guard"])
            let rows = try await CSVReadBack.read([raw + "/bigkeys.csv"]).tables["bigkeys.csv"]?.rows ?? []
            #expect(rows.contains { $0["key"] == "=HYPERLINK(\"http://x\")" }, "the guard is off")
        }
    }

    @Test("an unusable destination is one clear line, before any polling, and nothing is written")
    func unwritable() async throws {
        try await Self.withSeededServer { server in
            let file = try TemporaryFile.containing("not a directory", suffix: ".txt")
            // A directory that cannot be created (its parent is a file), and a file where one is wanted.
            for (out, reason) in [
                (file + "/snapshots", "cannot create '\(file)/snapshots'"), (file, "'\(file)' is not a directory"),
            ] {
                let result = try await CachewatchBinary.run(
                    ["snapshot", "-p", String(server.port), "--out", out, "--window", "30"],
                    environment: ["REDISCLI_AUTH": Self.password], timeout: .seconds(5))
                #expect(result.code == 1)
                #expect(result.stderr.hasPrefix("cachewatch: snapshot: \(reason)"), "\(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1)
            }
            // A full disk: /dev/full takes the open but no byte.
            let full = try await CachewatchBinary.run(
                ["watch", "-p", String(server.port), "-c", "2", "--csv", "/dev/full"],
                environment: ["REDISCLI_AUTH": Self.password])
            #expect(full.code == 1)
            #expect(full.stderr.contains("'/dev/full'") && full.stderr.contains("space"), "\(full.stderr)")
        }
    }

    @Test("watch --csv appends one row per tick under one header; a file with other columns is refused untouched")
    func watchCSV() async throws {
        try await Self.withSeededServer { server in
            let path = try TemporaryFile.directory(prefix: "cw-snap") + "/metrics.csv"
            for _ in 0..<2 {
                let result = try await CachewatchBinary.run(
                    ["watch", "-p", String(server.port), "-c", "3", "-i", "0.2", "--csv", path, "--format", "json"],
                    environment: ["REDISCLI_AUTH": Self.password])
                #expect(result.code == 0, "\(result.stderr)")
            }
            let table = try #require(try await CSVReadBack.read([path]).tables["metrics.csv"])
            #expect(table.rows.count == 6, "two runs of three ticks under one header")
            #expect(table.rows.allSatisfy { $0["node"] == "127.0.0.1:\(server.port)" && $0["keys"] == "108" })
            #expect(!table.header.contains("namespace_keys"), "per-namespace metrics are not columns")

            let other = try TemporaryFile.containing("time,node,something_else\r\n1,2,3\r\n", suffix: ".csv")
            let before = try String(contentsOfFile: other, encoding: .utf8)
            let refused = try await CachewatchBinary.run(
                ["watch", "-p", String(server.port), "-c", "1", "--csv", other],
                environment: ["REDISCLI_AUTH": Self.password])
            #expect(refused.code == 1)
            #expect(refused.stderr.contains("already holds CSV with other columns"), "\(refused.stderr)")
            #expect(try String(contentsOfFile: other, encoding: .utf8) == before)
        }
    }
}

@Suite("CSV snapshot from the dashboard", .sameOnEveryServer)
struct DashboardSnapshotTests {
    @Test("e in the demo writes a snapshot whose metrics are what the paused dashboard shows")
    func demoSnapshot() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cw-e-\(UUID().uuidString.prefix(6))")
            .path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let (path, shownValues) = try await withTmux(
            width: 140, height: 40,
            command: [CachewatchBinary.path, "demo", "-i", "0.5", "--rate", "400", "--snapshot-dir", out],
            environment: ["LANG": "C.UTF-8", "TZ": "UTC"]
        ) { tmux in
            // Wait for an interval hit ratio and sampled keys, then freeze the display and export it.
            let pattern = /Hit ratio ─+ now ([0-9.]+)%  life ([0-9.]+)%/
            #expect(
                try await eventually(timeout: .seconds(60)) {
                    let screen = try await tmux.screen()
                    return screen.contains(pattern) && screen.contains("biggest ")
                })
            // Pause on a tick that has an interval hit ratio (a tick without lookups shows '-'):
            // resume and pause again until it does.
            var shown: Regex<(Substring, Substring, Substring)>.Match?
            for _ in 0..<10 {
                try await tmux.send("p")
                let paused = try await tmux.waitForScreen(containing: "PAUSED")
                shown = paused.firstMatch(of: pattern)
                if shown != nil { break }
                try await tmux.send("p")
                _ = try await eventually(timeout: .seconds(5)) { try await tmux.screen().contains(pattern) }
            }
            let shownValues = try #require(shown)
            try await tmux.send("e")
            let screen = try await tmux.waitForScreen(containing: "snapshot written to ")
            let path = try #require(screen.firstMatch(of: /snapshot written to (\S+)/)).1
            try await tmux.send("q")
            #expect(try await eventually(timeout: .seconds(20)) { try await tmux.exitStatus() == 0 })
            return (String(path), (String(shownValues.1), String(shownValues.2)))
        }

        let (tables, manifest) = try await CSVReadBack.read([path])
        let metrics = try #require(tables["metrics.csv"])
        let last = try #require(metrics.rows.last)
        let hitRatio = try #require(last["hit_ratio"].flatMap(Double.init))
        let lifetime = try #require(last["hit_ratio_lifetime"].flatMap(Double.init))
        #expect(
            String(format: "%.1f", hitRatio * 100) == shownValues.0, "screen \(shownValues.0)%, CSV \(hitRatio)"
        )
        #expect(String(format: "%.1f", lifetime * 100) == shownValues.1)
        #expect(metrics.rows.count >= 2 && metrics.rows.allSatisfy { $0["up"] == "1" })
        #expect((manifest["sampled_keys"] as? Int ?? 0) > 0)
        // The manifest counts the sampled namespaces; namespaces.csv adds rows for namespaces
        // seen only in keyspace events (the demo's evicted pages, say), with no sampled keys.
        let sampledRows = try #require(tables["namespaces.csv"]).rows.filter { ($0["sampled_keys"] ?? "0") != "0" }
        #expect(sampledRows.count == manifest["namespaces"] as? Int ?? -1)
    }
}
