import Foundation
import RESP
import RedisClient
import TestSupport
import Testing

/// What cachewatch leaves in the monitored server's own counters: no error reply of its making,
/// on every server of the matrix (teams alert on `total_error_replies`, redis_exporter's
/// `redis_errors_total`).
@Suite("the server's error counters")
struct ServerCountersTests {
    @Test("a full scan and 100 polls of watch (sampling, key lives, events) leave total_error_replies at 0")
    func noErrorsCounted() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline(
                (0..<2_000).map { index in
                    index % 3 == 0
                        ? RESPCommand("SET", "session:\(index)", "v", "EX", "600")
                        : RESPCommand("HSET", "user:\(index):profile", "name", "n\(index)")
                })
            _ = try await admin.send(RESPCommand("CONFIG", "RESETSTAT"))
            let scan = try await CachewatchBinary.run(["scan", "-p", String(server.port), "--full", "--json"])
            #expect(scan.code == 0, "\(scan.stderr)")
            let watch = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "-i", "0.1", "-c", "100", "--format", "json", "--sample-rate",
                    "2000",
                ],
                timeout: .seconds(60))
            #expect(watch.code == 0, "\(watch.stderr.suffix(400))")
            let stats = try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? ""
            let errors = stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_error_replies:") }
            let errorStats = try await admin.send(RESPCommand("INFO", "errorstats")).stringValue ?? ""
            // Which commands: those the server counts as failed or rejected.
            let commandStats = try await admin.send(RESPCommand("INFO", "commandstats")).stringValue ?? ""
            let failing = commandStats.split(whereSeparator: \.isNewline).filter {
                $0.contains("rejected_calls=") && !($0.contains("rejected_calls=0,failed_calls=0"))
            }
            #expect(
                errors.map { $0 == "total_error_replies:0" } ?? true,
                "\(errors ?? "") — \(errorStats.replacingOccurrences(of: "\r\n", with: " ")) — \(failing.joined(separator: " "))"
            )
            await admin.close()
        }
    }
}

/// The README's table of which commands move which counters, replayed against this server.
@Suite("the README's table of the server counters our commands move")
struct CounterTableTests {
    /// A row: the commands as sent on a key that exists and on one that does not.
    private struct Row {
        let label: String
        let commands: [(present: [String], missing: [String]?)]
    }

    private static let rows: [Row] = [
        Row(
            label: "`TYPE`, `PTTL`",
            commands: [(["TYPE", "s"], ["TYPE", "nope"]), (["PTTL", "s"], ["PTTL", "nope"])]),
        Row(
            label: "`STRLEN`, `LLEN`",
            commands: [
                (["STRLEN", "s"], ["STRLEN", "nope"]), (["LLEN", "l"], ["LLEN", "nope"]),
                (["HLEN", "h"], ["HLEN", "nope"]), (["SCARD", "st"], ["SCARD", "nope"]),
                (["ZCARD", "z"], ["ZCARD", "nope"]), (["XLEN", "x"], ["XLEN", "nope"]),
            ]),
        Row(
            label: "`OBJECT ENCODING`",
            commands: [
                (["OBJECT", "ENCODING", "s"], ["OBJECT", "ENCODING", "nope"]),
                (["OBJECT", "IDLETIME", "s"], ["OBJECT", "IDLETIME", "nope"]),
            ]),
        Row(label: "`OBJECT FREQ`", commands: [(["OBJECT", "FREQ", "s"], ["OBJECT", "FREQ", "nope"])]),
        Row(
            label: "`MEMORY USAGE`",
            commands: [(["MEMORY", "USAGE", "s", "SAMPLES", "0"], ["MEMORY", "USAGE", "nope", "SAMPLES", "0"])]),
        Row(
            label: "`SCAN`",
            commands: [
                (["SCAN", "0", "COUNT", "10"], nil), (["DBSIZE"], nil), (["INFO"], nil),
                (["SLOWLOG", "GET", "10"], nil),
                (["PING"], nil),
            ]),
        Row(label: "`CLIENT NO-TOUCH ON`", commands: [(["CLIENT", "NO-TOUCH", "ON"], nil)]),
    ]

    /// The README's cells by row label prefix and server column.
    private static func table() throws -> (columns: [String], rows: [(label: String, cells: [String])]) {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "<!-- counters-table -->"),
            let end = text.range(of: "<!-- /counters-table -->")
        else { throw TestFailure("no counters table in the README") }
        let lines = text[start.upperBound..<end.lowerBound].split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { $0.hasPrefix("|") && !$0.hasPrefix("| ---") }
        func cells(_ line: String) -> [String] {
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let header = cells(lines[0])
        return (
            Array(header.dropFirst()),
            lines.dropFirst().map { line in
                let row = cells(line)
                return (row[0], Array(row.dropFirst()))
            }
        )
    }

    @Test("each row's commands move exactly the counters the README says, on this server")
    func replay() async throws {
        let (columns, readmeRows) = try Self.table()
        try await withRedisServer { server in
            let admin = try await server.client()
            defer { admin.closeSoon() }
            _ = try await admin.pipeline([
                RESPCommand("SET", "s", "v"), RESPCommand("RPUSH", "l", "a"), RESPCommand("HSET", "h", "f", "v"),
                RESPCommand("SADD", "st", "m"), RESPCommand("ZADD", "z", "1", "m"),
                RESPCommand("XADD", "x", "*", "f", "v"),
            ])
            let info = try await admin.send(RESPCommand("INFO", "server")).stringValue ?? ""
            func field(_ name: String) -> String? {
                info.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }.map {
                    String($0.dropFirst(name.count + 1))
                }
            }
            let release = { (version: String) in version.split(separator: ".").prefix(2).joined(separator: ".") }
            let column =
                field("valkey_version").map { "Valkey \(release($0))" }
                ?? "Redis \(release(field("redis_version") ?? ""))"
            let index = try #require(columns.firstIndex(of: column), "no README column for \(column): \(columns)")
            // A connection of its own for the commands: the admin's reads of INFO move nothing.
            let probe = try await server.client()
            defer { probe.closeSoon() }
            func counters() async throws -> (hits: Int, misses: Int, errors: Int) {
                let stats = try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? ""
                func value(_ name: String) -> Int {
                    stats.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
                        .flatMap { Int($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)) } ?? 0
                }
                return (value("keyspace_hits"), value("keyspace_misses"), value("total_error_replies"))
            }
            func effect(_ arguments: [String]) async throws -> (hits: Int, misses: Int, errors: Int) {
                let before = try await counters()
                _ = try? await probe.send(RESPCommand(arguments))
                let after = try await counters()
                return (after.hits - before.hits, after.misses - before.misses, after.errors - before.errors)
            }
            for row in Self.rows {
                let readme = try #require(readmeRows.first { $0.label.hasPrefix(row.label) }, "no row \(row.label)")
                for (present, missing) in row.commands {
                    let onKey = try await effect(present)
                    var offKey: (hits: Int, misses: Int, errors: Int)?
                    if let missing { offKey = try await effect(missing) }
                    var parts: [String] = []
                    if onKey.hits == 1, offKey?.misses == 1 { parts.append("hit / miss") }
                    if onKey.errors > 0 { parts.append("error") }
                    let observed =
                        parts.isEmpty && onKey.hits == 0 && (offKey?.misses ?? 0) == 0
                        ? "none" : parts.joined(separator: ", ")
                    #expect(
                        observed == readme.cells[index],
                        "\(present.joined(separator: " ")) on \(column): measured '\(observed)', README '\(readme.cells[index])'"
                    )
                }
            }
        }
    }
}
