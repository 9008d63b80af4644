import Foundation
import RESP
import TestSupport
import Testing

/// `snapshot` and `check` read what `watch` reads in their window: keyspace events where the
/// server publishes them, and key lives — not only polls and sampled keys.
@Suite("snapshot and check see what watch sees", .serialized)
struct WindowSourcesTests {
    /// Sessions of 2 KB written at ~400 KB/s and never read again, on a server limited to 4 MB
    /// under `allkeys-lru`: it evicts throughout; `price:*` keys are written beside them.
    private static func evictionPressure(_ server: RedisServer) async throws {
        let client = try await server.client()
        let session = String(repeating: "s", count: 2048)
        var tick = 0
        while !Task.isCancelled {
            var commands = (0..<20).map { _ in RESPCommand("SET", "session:\(UUID().uuidString)", session, "EX", "600")
            }
            commands.append(RESPCommand("SET", "price:\(tick)", "9.99", "EX", "600"))
            _ = try await client.pipeline(commands)
            tick += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        await client.close()
    }

    @Test(
        "snapshot --window 15 under eviction pressure with Exe published: namespaces.csv has evictions per namespace; check judges on them",
        // How snapshot and check are wired to the events: the events themselves are the
        // server matrix's (KeyEventEngineTests, watch --namespaces).
        .sameOnEveryServer
    )
    func evictionsPerNamespace() async throws {
        try await withRedisServer(["--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            let admin = try await server.client()
            _ = try await admin.send(RESPCommand("CONFIG", "SET", "notify-keyspace-events", "Exe"))
            await admin.close()
            let workload = Task { try await Self.evictionPressure(server) }
            defer { workload.cancel() }
            let out = try TemporaryFile.directory(prefix: "cw-win")
            let result = try await CachewatchBinary.run(
                ["snapshot", "-p", String(server.port), "--out", out, "--window", "15"], timeout: .seconds(60))
            #expect(result.code == 0, "\(result.stderr)")
            #expect(result.stderr.contains("keyspace events on 127.0.0.1:\(server.port): counting"), "\(result.stderr)")
            let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let (tables, _) = try await CSVReadBack.read([path])
            let namespaces = try #require(tables["namespaces.csv"]).rows
            let sessions = try #require(namespaces.first { $0["namespace"] == "session:*" }, "\(namespaces)")
            let evicted = try #require(sessions["evicted_per_sec"].flatMap(Double.init), "\(sessions)")
            #expect(evicted > 10, "\(sessions)")
            // Expirations are counted too (none happen: the TTLs are long), so 0, not empty.
            #expect(sessions["expired_per_sec"] == "0", "\(sessions)")
            // Misses are not published (no m flag): those cells stay empty.
            #expect(sessions["misses_per_sec"] == "", "\(sessions)")

            let rules = try TemporaryFile.containing(
                """
                rules:
                  - name: SessionsEvicted
                    metric: namespace_evicted_per_sec
                    above: 0
                    namespaces: ["session:*"]
                    severity: warning
                    summary: "{{namespace}} evicted on {{node}}"
                """)
            defer { try? FileManager.default.removeItem(atPath: rules) }
            let check = try await CachewatchBinary.run(
                ["check", "-p", String(server.port), "--window", "3", "--rules", rules])
            #expect(check.code == 1, "\(check.stdout) \(check.stderr)")
            #expect(
                check.stdout.hasPrefix("CACHEWATCH WARNING - SessionsEvicted: session:* evicted on 127.0.0.1:"),
                "\(check.stdout)")
        }
    }

    @Test(
        "snapshot with key lives tracked: a TTL-only namespace gets its TTL as its staleness bound in the window",
        .sameOnEveryServer  // PTTL reads alike on every server; the events test above is the matrix's
    )
    func stalenessBound() async throws {
        try await withRedisServer { server in
            // price:* written with one 8 s TTL and never deleted or rewritten; no keyspace events.
            // Key lives track keys seen with 5 s or more to live: their ends come within the window.
            let writer = Task {
                let client = try await server.client()
                var tick = 0
                while !Task.isCancelled {
                    _ = try await client.pipeline(
                        (0..<5).map { RESPCommand("SET", "price:\(tick)-\($0)", "9.99", "EX", "8") })
                    tick += 1
                    try await Task.sleep(for: .milliseconds(100))
                }
                await client.close()
            }
            defer { writer.cancel() }
            // Keys written over a few seconds before the window opens, as on a running cache.
            let admin = try await server.client()
            #expect(
                try await eventually(timeout: .seconds(10)) {
                    (try await admin.send(RESPCommand("DBSIZE"))).intValue ?? 0 >= 100
                })
            await admin.close()
            let out = try TemporaryFile.directory(prefix: "cw-win")
            let result = try await CachewatchBinary.run(
                ["snapshot", "-p", String(server.port), "--out", out, "--window", "15", "-i", "0.5"],
                timeout: .seconds(60))
            #expect(result.code == 0, "\(result.stderr)")
            let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let (tables, _) = try await CSVReadBack.read([path])
            let rows = try #require(tables["namespaces.csv"]).rows
            let prices = try #require(rows.first { $0["namespace"] == "price:*" }, "\(rows)")
            // (The stderr says whether key-life tracking was refused or its connection failed.)
            let bound = try #require(
                prices["staleness_bound_seconds"].flatMap(Double.init), "\(prices) stderr: \(result.stderr)")
            #expect(abs(bound - 8) < 0.5, "\(prices)")
            #expect(prices["expired_share"].flatMap(Double.init) ?? 0 > 0.9, "\(prices)")

            // Key lives off: the same columns stay empty.
            let off = try await CachewatchBinary.run(
                [
                    "snapshot", "-p", String(server.port), "--out", out, "--window", "6", "-i", "0.5",
                    "--key-life-checks", "0",
                ],
                timeout: .seconds(60))
            #expect(off.code == 0, "\(off.stderr)")
            let offTables = try await CSVReadBack.read([off.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
                .tables
            let offPrices = try #require(offTables["namespaces.csv"]?.rows.first { $0["namespace"] == "price:*" })
            #expect(offPrices["staleness_bound_seconds"] == "", "\(offPrices)")
        }
    }
}
