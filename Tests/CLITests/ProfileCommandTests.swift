import Foundation
import RESP
import TestSupport
import Testing
import Workload

@Suite("cachewatch profile")
struct ProfileCommandTests {
    /// Four namespaces from about 0.2 to 0.98, one of them hashes.
    private static let mix: [HitRatioWorkload.Namespace] = [
        .init(prefix: "user", hitRatio: 0.98, readsPerSecond: 300),
        .init(prefix: "product", hitRatio: 0.8, readsPerSecond: 200, hashes: true),
        .init(prefix: "cart", hitRatio: 0.5, readsPerSecond: 160),
        .init(prefix: "search", hitRatio: 0.2, readsPerSecond: 200),
    ]

    private static let secret = "s3cr3t-VALUE-\(UUID().uuidString)"

    /// Runs the workload, and a writer of a secret value, while `profile` runs with `arguments`;
    /// returns the profile's JSON, its CSV, its whole output and the workload's truth.
    private static func profile(
        _ server: RedisServer, _ arguments: [String]
    ) async throws -> (json: [String: Any], csv: String, output: String, truth: HitRatioWorkload.Truth) {
        let workload = HitRatioWorkload(endpoint: server.endpoint, namespaces: mix)
        try await workload.prepare()
        let csvPath = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID()).csv").path
        defer { try? FileManager.default.removeItem(atPath: csvPath) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await workload.run() }
            group.addTask {
                let writer = try await server.client()
                defer { writer.closeSoon() }
                while !Task.isCancelled {
                    _ = try await writer.send(RESPCommand("SET", "vault:token", secret, "EX", "60"))
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            defer { group.cancelAll() }
            // Every namespace under way before the profile starts.
            #expect(try await eventually { mix.allSatisfy { workload.truth.reads($0.prefix + ":*") > 100 } })
            let result = try await CachewatchBinary.run(
                ["profile", "-p", String(server.port), "--format", "json", "--csv", csvPath] + arguments,
                timeout: .seconds(60))
            #expect(result.code == 0, "\(result.stderr)")
            let json = try #require(jsonObjects(result.stdout).first, "\(result.stdout) \(result.stderr)")
            let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
            return (json, csv, result.stdout + result.stderr, workload.truth)
        }
    }

    /// Every namespace of the mix is in the profile, its hit ratio within `tolerance` of the truth.
    private static func expectHitRatios(
        _ json: [String: Any], _ truth: HitRatioWorkload.Truth, within tolerance: Double
    ) throws {
        let ratios = hitRatios(json)
        for namespace in mix {
            let pattern = namespace.prefix + ":*"
            let measured = try #require(ratios[pattern], "\(pattern) missing: \(json)")
            let expected = try #require(truth.hitRatio(pattern))
            #expect(abs(measured - expected) <= tolerance, "\(pattern): profile \(measured), truth \(expected)")
        }
    }

    private static func hitRatios(_ json: [String: Any]) -> [String: Double] {
        let rows = json["namespaces"] as? [[String: Any]] ?? []
        var ratios: [String: Double] = [:]
        for row in rows {
            if let name = row["namespace"] as? String, let ratio = row["hit_ratio"] as? Double { ratios[name] = ratio }
        }
        return ratios
    }

    @Test("with keymiss events: each namespace's hit ratio within 0.05 of the truth; no value anywhere")
    func keymissEvents() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Em"]) { server in
            let (json, csv, output, truth) = try await Self.profile(server, ["--seconds", "5"])
            #expect(json["miss_source"] as? String == "keymiss events")
            try Self.expectHitRatios(json, truth, within: 0.05)
            #expect((json["monitored_seconds"] as? Double ?? 0) > 4)
            // The secret value was written during the profile: its key is counted, its value is nowhere.
            let vault = (json["namespaces"] as? [[String: Any]] ?? []).first {
                $0["namespace"] as? String == "vault:token"
            }
            #expect((vault?["writes"] as? Int ?? 0) > 10, "\(json)")
            #expect(!output.contains(Self.secret) && !output.contains("s3cr3t"))
            #expect(!csv.contains(Self.secret) && !csv.contains("s3cr3t"))
            #expect(csv.hasPrefix("node,started,monitored_seconds,miss_source,namespace,"))
            #expect(csv.contains("keymiss events,search:*,"))
        }
    }

    @Test("without events: misses inferred from cache-aside, each hit ratio within 0.1 of the truth; bursts")
    func inference() async throws {
        try await withRedisServer { server in
            let (json, csv, output, truth) = try await Self.profile(
                server, ["--seconds", "8", "--burst", "1", "--every", "2", "--redact-keys"])
            #expect(json["miss_source"] as? String == "cache-aside inference")
            #expect(json["schedule"] as? String == "1 s every 2 s for 8 s")
            // Four bursts of about a second: rates are per second of MONITOR, not of the profile.
            let monitored = json["monitored_seconds"] as? Double ?? 0
            #expect(monitored > 3.5 && monitored < 5, "\(monitored)")
            try Self.expectHitRatios(json, truth, within: 0.1)
            let search = (json["namespaces"] as? [[String: Any]] ?? []).first {
                $0["namespace"] as? String == "search:*"
            }
            let readsPerSecond = search?["reads_per_sec"] as? Double ?? 0
            #expect(abs(readsPerSecond - 200) < 40, "\(readsPerSecond)")
            // Keys redacted everywhere: no key name of the workload in the output or the CSV.
            #expect(!output.contains("user:1") && !csv.contains("user:1") && output.contains("key#"))
            #expect(!output.contains(Self.secret) && !csv.contains(Self.secret))
        }
    }

    @Test("an ACL user without MONITOR gets one clear line and exit 1; a bad --burst is refused before connecting")
    func refused() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.send(RESPCommand("ACL", "SETUSER", "watcher", "on", ">pw", "+@all", "-monitor", "~*"))
            await admin.close()
            let result = try await CachewatchBinary.run(
                ["profile", "-u", "redis://watcher:pw@127.0.0.1:\(server.port)", "--seconds", "1", "--no-auth-warning"])
            #expect(result.code == 1)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(
                result.stderr.contains("MONITOR refused by watcher@127.0.0.1:\(server.port): NOPERM"),
                "\(result.stderr)")
            #expect(result.stderr.contains("NOPERM") || result.stderr.contains("permission"), "\(result.stderr)")
            #expect(!result.stderr.contains(":pw@"))
            let bad = try await CachewatchBinary.run(["profile", "-p", "1", "--burst", "5", "--every", "1"])
            #expect(bad.code == 64, "\(bad.stderr)")
            #expect(bad.stderr.contains("--every must be at least --burst"), "\(bad.stderr)")
        }
    }
}
