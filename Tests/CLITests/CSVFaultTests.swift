import Foundation
import TestSupport
import Testing

/// `watch --csv` when the file cannot take more (a file-size limit stands for a full disk) and
/// when a previous run left a row written in part: the file always ends with whole rows.
@Suite("watch --csv on a full disk and after a torn row", .sameOnEveryServer)
struct CSVFaultTests {
    @Test("the file-size limit is hit mid-row: one line, exit 1, the part-row cut off; the next run appends whole rows")
    func fullDisk() async throws {
        try await withRedisServer { server in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cw-full-\(UUID().uuidString).csv")
                .path
            defer { try? FileManager.default.removeItem(atPath: path) }
            // dash's ulimit -f counts 512-byte blocks: 8 KB holds the header and a few rows.
            let limited = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c",
                    "ulimit -f 16; exec '\(CachewatchBinary.path)' watch -p \(server.port) -i 0.05 --no-sampling --no-events --format json --csv '\(path)' >/dev/null",
                ])
            let code = try await limited.waitForExit(timeout: .seconds(60))
            #expect(code == 1, "\(limited.standardError)")
            let errors = limited.standardError.split(separator: "\n")
            #expect(errors.count == 1 && errors.first?.contains("cannot append to '\(path)'") == true, "\(errors)")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.count <= 16 * 512 && data.count > 2048)
            #expect(data.last == 0x0A, "the file ends with a whole row")
            let first = try await CSVReadBack.read([path])
            let rows = first.tables.values.first?.rows.count ?? 0
            #expect(rows >= 2)
            // Without the limit, the next run appends to the same table.
            let next = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "-i", "0.1", "-c", "3", "--no-sampling", "--no-events",
                    "--format",
                    "json", "--csv", path,
                ])
            #expect(next.code == 0, "\(next.stderr)")
            #expect(!next.stderr.contains("cut off"))
            let second = try await CSVReadBack.read([path])
            #expect(second.tables.values.first?.rows.count == rows + 3)
        }
    }

    @Test("a row written in part by an earlier run is cut off with a warning before rows are appended")
    func tornRow() async throws {
        try await withRedisServer { server in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cw-torn-\(UUID().uuidString).csv")
                .path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let first = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "-i", "0.1", "-c", "2", "--no-sampling", "--no-events",
                    "--format",
                    "json", "--csv", path,
                ])
            #expect(first.code == 0, "\(first.stderr)")
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("cache-1,2026-11-28T00:00:00Z,1,0.5,12".utf8))
            try handle.close()
            let next = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "-i", "0.1", "-c", "2", "--no-sampling", "--no-events",
                    "--format",
                    "json", "--csv", path,
                ])
            #expect(next.code == 0, "\(next.stderr)")
            #expect(next.stderr.contains("ended with a row written in part (37 bytes"), "\(next.stderr)")
            let table = try await CSVReadBack.read([path])
            #expect(table.tables.values.first?.rows.count == 4)
        }
    }

    @Test("SIGINT, SIGTERM and SIGHUP mid-run: exit 128 + signal, whole rows only, the next run appends cleanly")
    func signals() async throws {
        try await withRedisServer { server in
            for signal in [SIGINT, SIGTERM, SIGHUP] {
                let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "cw-signal-\(UUID().uuidString).csv"
                ).path
                defer { try? FileManager.default.removeItem(atPath: path) }
                let watch = try CachewatchBinary.start([
                    "watch", "-p", String(server.port), "-i", "0.05", "--no-events", "--format", "json", "--csv", path,
                ])
                // Rows are being written when the signal comes.
                #expect(
                    try await eventually {
                        // Rows end with CRLF (RFC 4180): count the line feeds.
                        ((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()).count { $0 == 0x0A } > 20
                    })
                watch.signal(signal)
                let code = try await watch.waitForExit(timeout: .seconds(10))
                #expect(code == 128 + signal, "signal \(signal): \(watch.standardError)")
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(data.last == 0x0A, "signal \(signal): the file ends with a whole row")
                let rows = try await CSVReadBack.read([path]).tables.values.first?.rows.count ?? 0
                #expect(rows >= 20, "the header and at least 20 rows were there")
                let next = try await CachewatchBinary.run([
                    "watch", "-p", String(server.port), "-i", "0.1", "-c", "2", "--no-sampling", "--no-events",
                    "--format", "json", "--csv", path,
                ])
                #expect(next.code == 0 && !next.stderr.contains("cut off"), "signal \(signal): \(next.stderr)")
                #expect(try await CSVReadBack.read([path]).tables.values.first?.rows.count == rows + 2)
            }
        }
    }
}
