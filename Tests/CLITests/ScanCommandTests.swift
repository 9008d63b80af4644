import CSV
import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

@Suite("cachewatch scan")
struct ScanCommandTests {
    private static func withSeeded<Result>(_ body: (RedisServer) async throws -> Result) async throws -> Result {
        try await withRedisServer { server in
            let admin = try await server.client()
            var commands = (0..<3000).map { RESPCommand("SET", "user:\($0):profile", "v", "EX", "600") }
            commands += (0..<2000).map { RESPCommand("SET", "page:\($0)", "v") }
            commands.append(RESPCommand("SET", "report:daily", String(repeating: "r", count: 1_500_000)))
            _ = try await admin.pipeline(commands)
            await admin.close()
            return try await body(server)
        }
    }

    /// One slow-log entry: when (unix seconds), how long, which connection and what command.
    private struct SlowEntry: CustomStringConvertible {
        let time: Int64
        let microseconds: Int64
        let client: String
        let arguments: [String]

        var description: String {
            "\(client) \(arguments.prefix(4).joined(separator: " ")) \(microseconds) µs at \(time)"
        }
    }

    /// The slow-log entries (at most 1,024).
    private static func slowEntries(_ server: RedisServer) async throws -> [SlowEntry] {
        let admin = try await server.client()
        let entries = try await admin.send(RESPCommand("SLOWLOG", "GET", "1024")).elements ?? []
        await admin.close()
        return entries.compactMap { entry in
            guard let fields = entry.elements, fields.count > 5, let time = fields[1].intValue,
                let microseconds = fields[2].intValue
            else { return nil }
            let arguments = (fields[3].elements ?? []).compactMap(\.stringValue)
            return SlowEntry(
                time: time, microseconds: microseconds, client: fields[5].stringValue ?? "", arguments: arguments)
        }
    }

    /// The server's `total_commands_processed`.
    private static func commandsProcessed(_ admin: RedisConnection) async throws -> Int {
        let info = try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_commands_processed:") }
        return try #require(Int(line?.split(separator: ":").last ?? ""))
    }

    /// cachewatch's logged commands that cost 1 ms or more themselves: each is sent again five
    /// times on the unchanged dataset (nothing expires or is written meanwhile) and timed by the
    /// server with the slow log at 0; a command whose fastest replay is under 1 ms was logged
    /// because the server stalled in the middle of it (the slow log times by the wall clock, and
    /// this virtual machine is noisy), not because of what it asked for.
    private static func costly(_ entries: [SlowEntry], on server: RedisServer) async throws -> [SlowEntry] {
        let ours = entries.filter { $0.client == "cachewatch" }
        guard !ours.isEmpty else { return [] }
        let admin = try await server.client()
        _ = try await admin.send(RESPCommand("CONFIG", "SET", "slowlog-log-slower-than", "0"))
        var costly: [SlowEntry] = []
        for entry in ours {
            let replay = RESPCommand(entry.arguments)
            _ = try await admin.send(RESPCommand("SLOWLOG", "RESET"))
            for _ in 0..<5 { _ = try await admin.send(replay) }
            let timed = try await admin.send(RESPCommand("SLOWLOG", "GET", "16")).elements ?? []
            let fastest = timed.compactMap { record -> Int64? in
                guard let fields = record.elements, fields.count > 3,
                    fields[3].elements?.compactMap(\.stringValue) == entry.arguments
                else { return nil }
                return fields[2].intValue
            }.min()
            if (fastest ?? .max) >= 1000 { costly.append(entry) }
        }
        _ = try await admin.send(RESPCommand("CONFIG", "SET", "slowlog-log-slower-than", "1000"))
        await admin.close()
        return costly
    }

    /// No command cachewatch sends takes 1 ms at its defaults: after a full scan of 100,000 keys
    /// and twenty polls of `watch` (the engine session every front end runs: polls, INFO
    /// everything every tenth, continuous sampling with its adaptive SCAN, key lives, events), no
    /// entry of a connection named cachewatch in a 1 ms slow log (SCAN COUNT 1000 put hundreds
    /// there) costs 1 ms when sent again; those that do not are the machine's stalls. For the
    /// measurement to mean anything the slow log must hold every entry (none rotated out) and
    /// stalls must stay rare: under one in 1,000 commands sent. The same on a million keys, with
    /// the peers beside it, is `scripts/bench-scan` (BENCHMARKS.md), not a test.
    @Test(
        "a full scan of 100,000 keys and twenty polls of watch leave no cachewatch entry in a 1 ms slow log",
        .sameOnEveryServer  // a footprint measurement: once, on Debian's server (as scripts/bench-scan)
    )
    func noSlowCommands() async throws {
        try await withRedisServer(["--slowlog-log-slower-than", "1000", "--slowlog-max-len", "1024"]) { server in
            let admin = try await server.client()
            for chunk in 0..<100 {
                let base = chunk * 1000
                _ = try await admin.pipeline(
                    (base..<base + 1000).map { index in
                        index % 10 == 0
                            ? RESPCommand("HSET", "user:\(index):profile", "name", "n", "email", "e", "visits", "3")
                            : RESPCommand(
                                "SET", "session:\(index)", String(repeating: "s", count: 50 + index % 400), "EX", "3600"
                            )
                    })
            }
            // The server alone on one core at a real-time priority, cachewatch and this test process
            // on the other: the slow log times commands by the wall clock, so a server descheduled in
            // the middle of one (busy processes on a two-core machine) would log the wait as its time.
            let pid = try #require(server.pid)
            let isolation: [(String, [String])] = [
                ("/usr/bin/taskset", ["-a", "-p", "-c", "0", String(pid)]),
                ("/usr/bin/chrt", ["-a", "-f", "-p", "10", String(pid)]),
                ("/usr/bin/taskset", ["-a", "-p", "-c", "1", String(getpid())]),
            ]
            for (tool, arguments) in isolation {
                let step = try ChildProcess(executable: tool, arguments: arguments)
                #expect(try await step.waitForExit(timeout: .seconds(5)) == 0, "\(tool) \(arguments)")
            }

            _ = try await admin.send(RESPCommand("SLOWLOG", "RESET"))
            let commandsBefore = try await Self.commandsProcessed(admin)
            let scan = try ChildProcess(
                executable: "/usr/bin/taskset",
                arguments: ["-c", "1", CachewatchBinary.path, "scan", "-p", String(server.port), "--full", "--json"],
                environment: ["PATH": "/usr/bin:/bin"])
            let code = try await scan.waitForExit(timeout: .seconds(120))
            #expect(code == 0, "\(scan.standardError)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(scan.standardOutput.utf8)) as? [String: Any])
            #expect(object["total_keys"] as? Int == 100_000)
            let afterScan = try await Self.slowEntries(server)
            let scanCommands = try await Self.commandsProcessed(admin) - commandsBefore
            let costlyScan = try await Self.costly(afterScan, on: server)
            #expect(costlyScan.isEmpty, "after the scan: \(costlyScan)")
            _ = try await admin.send(RESPCommand("SLOWLOG", "RESET"))
            let watchBefore = try await Self.commandsProcessed(admin)
            // Twenty polls of watch at its defaults, pinned like the scan.
            let watch = try ChildProcess(
                executable: "/usr/bin/taskset",
                arguments: [
                    "-c", "1", CachewatchBinary.path, "watch", "-p", String(server.port), "--format", "json", "-c",
                    "20",
                ],
                environment: ["PATH": "/usr/bin:/bin"])
            let watched = try await watch.waitForExit(timeout: .seconds(60))
            let all = "0-\(ProcessInfo.processInfo.processorCount - 1)"
            let unpin = try ChildProcess(
                executable: "/usr/bin/taskset", arguments: ["-a", "-p", "-c", all, String(getpid())])
            _ = try await unpin.waitForExit(timeout: .seconds(5))
            #expect(watched == 0, "\(watch.standardError)")
            #expect(jsonObjects(watch.standardOutput).count == 20, "\(watch.standardOutput.suffix(500))")
            let afterWatch = try await Self.slowEntries(server)
            let watchCommands = try await Self.commandsProcessed(admin) - watchBefore
            let costlyWatch = try await Self.costly(afterWatch, on: server)
            #expect(costlyWatch.isEmpty, "after watch: \(costlyWatch)")
            // Replays tell stalls from costly commands. Nothing may have rotated out of the slow
            // log, and the machine must mostly not stall (a stall is logged whatever the command).
            #expect(afterScan.count < 1024 && afterWatch.count < 1024, "the slow log overflowed")
            let stalls = (afterScan + afterWatch).filter { $0.client == "cachewatch" }
            let sent = scanCommands + watchCommands
            #expect(sent > 100_000, "a full scan reads every key: \(sent) commands")
            #expect(stalls.count * 1000 < sent, "the server stalled too often to measure (\(sent) commands): \(stalls)")
            await admin.close()
        }
    }

    @Test("text report: big keys, namespaces, TTLs")
    func text() async throws {
        try await Self.withSeeded { server in
            let result = try await CachewatchBinary.run(["scan", "-p", String(server.port), "--full", "--top", "3"])
            #expect(result.code == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("127.0.0.1:\(server.port): 5001 keys sampled of 5.00k (full scan)"))
            #expect(result.stdout.contains("report:daily  [big]"))
            #expect(result.stdout.contains("user:*:profile"))
            #expect(result.stdout.contains("page:*"))
            #expect(result.stderr.isEmpty, "no progress line when stderr is not a terminal")
        }
    }

    @Test("JSON report parses and carries estimates for a sample")
    func json() async throws {
        try await Self.withSeeded { server in
            let result = try await CachewatchBinary.run([
                "scan", "-p", String(server.port), "--sample", "1000", "--json", "--scan-count", "100",
            ])
            #expect(result.code == 0, "\(result.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["total_keys"] as? Int == 5001)
            #expect(object["complete"] as? Bool == false)
            let sampled = try #require(object["sampled_keys"] as? Int)
            #expect(sampled >= 1000 && sampled < 1200)
            let namespaces = try #require(object["namespaces"] as? [[String: Any]])
            let users = try #require(namespaces.first { $0["namespace"] as? String == "user:*:profile" })
            let userTTLs = try #require(users["ttl_distribution"] as? [String: Int])
            #expect(userTTLs["<10m"] == users["sampled_keys"] as? Int, "user profiles all carry a 600 s TTL")
            let topByType = try #require(object["top_by_type"] as? [String: [[String: Any]]])
            #expect(topByType["string"]?.isEmpty == false)
            let estimate = (users["estimated_keys"] as? NSNumber)?.doubleValue ?? 0
            #expect(abs(estimate - 3000) < 450, "estimated \(estimate)")
        }
    }

    @Test("Ctrl-C prints what was found so far")
    func interrupted() async throws {
        try await Self.withSeeded { server in
            let process = try CachewatchBinary.start([
                "scan", "-p", String(server.port), "--full", "--rate", "500", "--scan-count", "50",
            ])
            // Give it a moment of scanning, then interrupt: it must report partial results, not die silently.
            let admin = try await server.client()
            #expect(
                try await eventually {
                    let stats = try await admin.send(RESPCommand("INFO", "commandstats")).stringValue ?? ""
                    return stats.contains("cmdstat_type:calls=")
                })
            process.signal(SIGINT)
            let code = try await process.waitForExit()
            #expect(code == 130)
            #expect(process.standardOutput.contains("interrupted, partial results"), "\(process.standardOutput)")
            await admin.close()
        }
    }
}

@Suite("cachewatch scan --csv", .sameOnEveryServer)
struct ScanCSVTests {
    @Test("CSV parses strictly, hostile names round-trip, formulas are neutralised")
    func csv() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            let hostile = ["a,b", "say \"hi\"", "line\nbreak", "=HYPERLINK(\"x\")", "@sum", "=1+2", "plain:1"]
            _ = try await admin.pipeline(hostile.map { RESPCommand("SET", $0, String(repeating: "v", count: 100)) })
            await admin.close()
            let result = try await CachewatchBinary.run(["scan", "-p", String(server.port), "--full", "--csv"])
            #expect(result.code == 0, "\(result.stderr)")
            let reader = try CSVReader(string: result.stdout, hasHeaderRow: true)
            #expect(reader.headerRow?.first == "section")
            var rows: [[String]] = []
            while let row = reader.next() { rows.append(row) }
            #expect(rows.allSatisfy { $0.count == reader.headerRow?.count })
            let keyNames = Set(rows.filter { $0[0] == "key" }.map { $0[1] })
            #expect(keyNames.contains("\"a,b\"") || keyNames.contains("a,b"), "\(keyNames)")
            #expect(keyNames.contains(#""say \"hi\"""#), "\(keyNames)")
            #expect(keyNames.contains(#""line\nbreak""#), "\(keyNames)")
            // Quotes make the display form start with '"', which no spreadsheet runs as a formula.
            #expect(keyNames.contains(#""=HYPERLINK(\"x\")""#), "\(keyNames)")
            #expect(keyNames.contains("'@sum") && keyNames.contains("'=1+2"))
            #expect(!keyNames.contains { $0.hasPrefix("=") || $0.hasPrefix("@") })
            #expect(rows.contains { $0[0] == "ttl_bucket" && $0[1] == "no TTL" && $0[12] == "1" })
        }
    }
}
