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
