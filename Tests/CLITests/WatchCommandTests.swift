import Export
import Foundation
import RESP
import Telemetry
import TestSupport
import Testing

@Suite("cachewatch watch against a real server")
struct WatchCommandTests {
    @Test("JSON lines: one object per tick with the documented names", .sameOnEveryServer)
    func jsonLines() async throws {
        try await withRedisServer { server in
            let result = try await CachewatchBinary.run([
                "watch", "-p", String(server.port), "--format", "json", "-c", "3", "-i", "0.2",
            ])
            #expect(result.code == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 3)
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object["node"] as? String == "127.0.0.1:\(server.port)")
                #expect(object["up"] as? Int == 1)
                #expect(object.keys.contains("hit_ratio"))
            }
            // Keyspace events are off on a default server: said once, with the command that
            // would add them, and nothing else.
            let notices = result.stderr.split(separator: "\n")
            #expect(notices.count == 1, "\(result.stderr)")
            let probe = try await server.client()
            let kinds = KeyEventKind.publishable(server: probe.hello.server, version: probe.hello.version)
            await probe.close()
            let newer = kinds.contains(.overwritten) ? "o" : ""
            #expect(
                notices.first?.contains(
                    "keyspace events off on 127.0.0.1:\(server.port) (notify-keyspace-events \"\"): evictions, expirations, deletions and misses are not counted per namespace; to count them: CONFIG SET notify-keyspace-events Eexg\(newer)m"
                ) == true, "\(result.stderr)")
        }
    }

    /// Nothing but cachewatch touches this server: every command it counts is cachewatch's own,
    /// so ops/s must stay 0 through several passes of the sampler (each pass used to leave a
    /// spike where a poll fell between a sampler command's execution and its reply).
    @Test("an idle server reads 0 ops/s through several sampling passes")
    func ownTrafficLeftOut() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<900).map { RESPCommand("SET", "k:\($0)", "v", "EX", "100000") })
            await admin.close()
            let result = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "--format", "json", "-c", "24", "-i", "0.3", "--sample-rate",
                    "600",
                ],
                timeout: .seconds(40))
            #expect(result.code == 0, "\(result.stderr)")
            let rates = jsonObjects(result.stdout).compactMap { $0["ops_per_sec"] as? Double }
            #expect(rates.count >= 20)
            #expect(rates.allSatisfy { $0 == 0 }, "ops/s on an idle server: \(rates)")
        }
    }

    @Test("--namespaces: a namespaces line per tick with the per-namespace vocabulary, event rates included")
    func namespaceLines() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Exe"]) { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<200).map { RESPCommand("SET", "user:\($0):profile", "p") })
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "--format", "json", "--namespaces", "-c", "20", "-i", "0.3",
            ])
            #expect(try await eventually { watch.standardError.contains("counting evicted, expired") })
            // The interval in which the subscription started is a gap: expire the carts two
            // polls later, in whole intervals.
            let polls = { jsonObjects(watch.standardOutput).filter { $0["up"] != nil }.count }
            let subscribedAt = polls()
            #expect(try await eventually { polls() >= subscribedAt + 2 })
            _ = try await admin.pipeline((0..<500).map { RESPCommand("SET", "cart:\($0)", "c", "PX", "200") })
            let code = try await watch.waitForExit(timeout: .seconds(30))
            #expect(code == 0, "\(watch.standardError)")
            let lines = jsonObjects(watch.standardOutput).filter { $0["event"] as? String == "namespaces" }
            #expect(lines.count >= 10, "\(watch.standardOutput.prefix(2000))")
            let entries = lines.flatMap { ($0["namespaces"] as? [[String: Any]]) ?? [] }
            let profiles = entries.filter { $0["namespace"] as? String == "user:*:profile" }
            // Counted as 0 (no expiry), or absent (null) before the first whole interval counted:
            // never a made-up rate.
            let profileExpiries = profiles.map { $0["namespace_expired_per_sec"] as? Double }
            #expect(
                profileExpiries.contains(0) && profileExpiries.allSatisfy { $0 == nil || $0 == 0 }, "\(profileExpiries)"
            )
            #expect(profiles.contains { ($0["namespace_keys"] as? Double ?? 0) > 0 }, "\(profiles.prefix(2))")
            let expired = entries.filter { $0["namespace"] as? String == "cart:*" }
                .compactMap { $0["namespace_expired_per_sec"] as? Double }
            #expect(expired.contains { $0 > 0 }, "\(expired)")
            for key in NamespaceLineFormatter.metrics.map(\.name) {
                #expect(entries.allSatisfy { $0.keys.contains(key) }, "\(key) missing")
            }
            await admin.close()
        }
        let table = try await CachewatchBinary.run(["watch", "--namespaces", "-p", "1"])
        #expect(table.code == 64 && table.stderr.contains("--namespaces needs --format json or logfmt"))
    }

    @Test("table: a header, a rule and one row per tick", .sameOnEveryServer)
    func table() async throws {
        try await withRedisServer { server in
            let result = try await CachewatchBinary.run(["watch", "-p", String(server.port), "-c", "2", "-i", "0.2"])
            #expect(result.code == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 4)
            #expect(lines[0].hasPrefix("time"))
            #expect(lines[1].allSatisfy { $0 == "-" })
            #expect(lines[2].count == lines[0].count && lines[3].count == lines[0].count)
        }
    }

    @Test("-a is blanked in the process's visible arguments", .sameOnEveryServer)
    func passwordHiddenFromPS() async throws {
        try await withRedisServer(["--requirepass", "pw-visible-nowhere"]) { server in
            let process = try CachewatchBinary.start(
                ["watch", "-p", String(server.port), "-a", "pw-visible-nowhere", "-i", "0.2", "--format", "json"])
            #expect(try await eventually { !process.standardOutput.isEmpty }, "\(process.standardError)")
            let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.pid)/cmdline"))
            let arguments = String(decoding: cmdline, as: UTF8.self).split(separator: "\0")
            #expect(arguments.contains("-a"))
            #expect(!arguments.contains { $0.contains("pw-visible-nowhere") }, "\(arguments)")
            #expect(process.standardError.contains("REDISCLI_AUTH"), "a warning recommends REDISCLI_AUTH")
            #expect(!process.standardOutput.contains("pw-visible-nowhere"))
            await process.terminate()
        }
    }

    @Test("losing the server prints one line, coming back prints one line, ticks keep coming", .sameOnEveryServer)
    func connectionLossAndReturn() async throws {
        try await withRedisServer { server in
            let process = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.1", "--format", "json", "--no-events",
            ])
            #expect(try await eventually { process.standardOutput.contains("\"up\":1") })
            await server.stop()
            #expect(
                try await eventually { process.standardError.contains("connection lost") }, "\(process.standardError)")
            // Let several failed polls pass: they must not add lines to stderr.
            let downLines = { process.standardOutput.components(separatedBy: "\"up\":0").count - 1 }
            #expect(try await eventually { downLines() >= 5 })
            try await server.start()
            #expect(try await eventually { process.standardError.contains("back after") }, "\(process.standardError)")
            let stderr = process.standardError.split(separator: "\n")
            #expect(stderr.count == 2, "\(stderr)")
            let lost = stderr.first.map(String.init) ?? ""
            let target = "127.0.0.1:\(server.port)"
            let reasons = [
                "connection to \(target) closed", "connection to \(target) lost: ",
                "cannot connect to \(target): connection refused",
            ]
            #expect(lost.contains("connection lost: ") && reasons.contains { lost.contains($0) }, "\(lost)")
            #expect(
                stderr.last?.contains("back after") == true && stderr.last?.contains("the server restarted") == true)
            #expect(process.exitCodeIfExited() == nil, "watch must keep running")
            await process.terminate()
        }
    }
}

@Suite("cachewatch watch with rules", .sameOnEveryServer)
struct WatchAlertTests {
    @Test("alert events come out as JSON lines with Prometheus-style fields")
    func alertEvents() async throws {
        try await withRedisServer { server in
            let path = try TemporaryFile.containing(
                """
                rules:
                  - name: Connected
                    metric: clients_connected
                    above: 0
                    severity: info
                    labels: {team: cache}
                    summary: "{{value}} clients"
                """)
            let result = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "--format", "json", "--alerts-only", "--rules", path,
                    "--no-sampling",
                    "-c", "2",
                    "-i", "0.2",
                ])
            #expect(result.code == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 1, "one firing event, no metric lines: \(result.stdout)")
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
            #expect(event["event"] as? String == "alert")
            #expect(event["status"] as? String == "firing")
            #expect(event["alertname"] as? String == "Connected")
            #expect(event["severity"] as? String == "info")
            #expect(event["labels"] as? [String: String] == ["node": "127.0.0.1:\(server.port)", "team": "cache"])
            // The template renders the value that fired (1 — the poller's own connection — or
            // more when another client happened to be connected at that poll).
            let value = try #require(event["value"] as? Int)
            #expect(value >= 1)
            #expect(event["summary"] as? String == (value == 1 ? "1 client" : "\(value) clients"))
            #expect(event["ends_at"] is NSNull)
        }
    }

    @Test("a malformed rules file stops watch with one line, before connecting")
    func badRules() async throws {
        let path = try TemporaryFile.containing("rules:\n  - name: X\n    metric: nope\n    above: 1\n")
        let result = try await CachewatchBinary.run(["watch", "--rules", path, "-p", "1"])
        #expect(result.code == 1)
        #expect(
            result.stderr
                == "cachewatch: \(path):3:13: unknown metric 'nope' in 'X' (see 'cachewatch rules --metrics')\n")
    }
}
