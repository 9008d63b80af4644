import Foundation
import Metrics
import Recording
import TestSupport
import Testing

/// `watch --record` on a busy cache, killed with SIGKILL, then `replay`: the lines watch printed,
/// again; a recording read while it is written; a full disk; a store of a newer schema.
@Suite("Recording and replay", .sameOnEveryServer, .serialized)
struct RecordReplayTests {
    /// The metric lines of `text` by node and ts_ms (JSON lines with a ts_ms and no event).
    private static func metricLines(_ text: String) -> [String: String] {
        var lines: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("{\"event\"") {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                let stamp = object["ts_ms"] as? Int, let node = object["node"] as? String
            else { continue }
            lines["\(node) \(stamp)"] = String(line)
        }
        return lines
    }

    /// What Debian's `sqlite3` prints for `sql` on the recording in `directory`.
    private static func sqlite(_ directory: String, _ sql: String) async throws -> String {
        let process = try ChildProcess(executable: "/usr/bin/sqlite3", arguments: [directory + "/cachewatch.db", sql])
        #expect(try await process.waitForExit() == 0, "\(process.standardError)")
        return process.standardOutput
    }

    @Test(
        "45 s of a busy cache, SIGKILL: the store reads, ≥ 95 % of ticks as printed, at most 2 s lost; read while written"
    )
    func killedRecorder() async throws {
        try await withRedisServer(["--maxmemory", "32mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            let directory = try TemporaryDirectory()
            let url = "redis://127.0.0.1:\(server.port)"
            let workload = try CachewatchBinary.start(["workload", url, "--rate", "3000", "--keys", "40000"])
            defer { workload.signal(SIGKILL) }
            let watch = try CachewatchBinary.start([
                "watch", url, "--format", "json", "--namespaces", "-i", "0.5", "--record", directory.path,
            ])
            defer { watch.signal(SIGKILL) }
            // A recording being written is read: what was committed so far.
            let clock = ContinuousClock()
            let started = clock.now
            // Polled: replayed while watch goes on writing, until 30 ticks are committed.
            var readMidway = 0
            let readWhileWritten = try await eventually(timeout: .seconds(40)) {
                let midway = try await CachewatchBinary.run(["replay", directory.path, "--format", "json"])
                readMidway = midway.code == 0 ? Self.metricLines(midway.stdout).count : 0
                return readMidway >= 30
            }
            #expect(readWhileWritten, "\(readMidway) ticks read while recording")
            // The 45 s of recording: the scenario's length, not a wait for a condition.
            try await Task.sleep(until: started + .seconds(45))
            let printed = watch.standardOutput
            watch.signal(SIGKILL)
            let killedAt = Date().timeIntervalSince1970
            _ = try await watch.waitForExit(timeout: .seconds(10))
            let integrity = try await Self.sqlite(directory.path, "PRAGMA integrity_check")
            #expect(integrity.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(integrity)")
            let replay = try await CachewatchBinary.run([
                "replay", directory.path, "--format", "json", "--namespaces",
            ])
            #expect(replay.code == 0, "\(replay.stderr)")
            let live = Self.metricLines(printed)
            let replayed = Self.metricLines(replay.stdout)
            #expect(live.count >= 80, "\(live.count) ticks printed")
            let same = live.filter { replayed[$0.key] == $0.value }.count
            #expect(Double(same) >= 0.95 * Double(live.count), "\(same) of \(live.count) ticks replayed as printed")
            let last = replayed.keys.compactMap { Double($0.split(separator: " ").last ?? "") }.max() ?? 0
            #expect(killedAt - last / 1000 <= 2.5, "the last tick kept is \(killedAt - last / 1000) s before the kill")
            // The per-namespace lines too.
            let namespaceLines = printed.split(separator: "\n").filter { $0.hasPrefix("{\"event\":\"namespaces\"") }
            let replayedNamespaces = Set(
                replay.stdout.split(separator: "\n").filter { $0.hasPrefix("{\"event\":\"namespaces\"") })
            let sameNamespaces = namespaceLines.filter { replayedNamespaces.contains($0) }.count
            #expect(
                !namespaceLines.isEmpty && Double(sameNamespaces) >= 0.95 * Double(namespaceLines.count - 4),
                "\(sameNamespaces) of \(namespaceLines.count) namespace lines")
            // A window by time of day and relative times.
            let window = try await CachewatchBinary.run([
                "replay", directory.path, "--format", "json", "--from=+10s", "--to=+15s",
            ])
            let windowed = Self.metricLines(window.stdout)
            #expect((9...11).contains(windowed.count), "\(windowed.count) ticks in 5 s at 0.5 s")
            // A store of a newer cachewatch: one line.
            _ = try await Self.sqlite(directory.path, "UPDATE meta SET value = '4' WHERE key = 'schema_version'")
            let newer = try await CachewatchBinary.run(["replay", directory.path, "--format", "json"])
            #expect(newer.code == 1 && newer.stdout.isEmpty)
            #expect(
                newer.stderr.split(separator: "\n").count == 1 && newer.stderr.contains("newer cachewatch (schema 4"),
                "\(newer.stderr)")
        }
    }

    @Test("a full disk (a file-size limit): one line, recording stops, the lines go on; what was committed reads")
    func fullDisk() async throws {
        try await withRedisServer { server in
            let directory = try TemporaryDirectory()
            // dash's ulimit -f counts 512-byte blocks: 256 KB holds the store and some ticks.
            let limited = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c",
                    "ulimit -f 512; exec '\(CachewatchBinary.path)' watch -p \(server.port) -i 0.1 -c 80 --no-events --format json --record '\(directory.path)'",
                ])
            let code = try await limited.waitForExit(timeout: .seconds(60))
            #expect(code == 0, "monitoring went on: \(limited.standardError)")
            let stopped = limited.standardError.split(separator: "\n").filter { $0.contains("recording stopped") }
            #expect(stopped.count == 1, "\(limited.standardError)")
            #expect(stopped.first?.contains("monitoring goes on") == true)
            #expect(Self.metricLines(limited.standardOutput).count == 80)
            let replay = try await CachewatchBinary.run(["replay", directory.path, "--format", "json"])
            #expect(replay.code == 0, "\(replay.stderr)")
            let replayed = Self.metricLines(replay.stdout).count
            #expect(replayed > 0 && replayed < 80, "\(replayed) ticks committed before the disk filled")
        }
    }

    @Test(
        "watch --record into a directory that recorded the node a day ago: its surge ratios compare with that day from the first polls"
    )
    func usualFromYesterday() async throws {
        try await withRedisServer { server in
            let directory = try TemporaryDirectory()
            let node = "127.0.0.1:\(server.port)"
            // Yesterday around this time, at 10 s polls: 20 ops/s (under the 50 ops/s floor).
            let recorder = try Recorder(directory: directory.path, report: { _ in })
            let yesterday = Date().timeIntervalSince1970 - 86_400
            let ticks = stride(from: yesterday - 600, to: yesterday + 1_500, by: 10).map { time in
                (
                    node: node,
                    tick: NodeTick(
                        time: time,
                        values: [
                            .metric(.up): 1, .metric(.opsPerSec): 20, .metric(.netInBytesPerSec): 2_000,
                            .metric(.netOutBytesPerSec): 8_000, .metric(.connectionsPerSec): 0.1,
                            .metric(.missesPerSec): 1,
                        ])
                )
            }
            recorder.record(ticks: ticks, alertEvents: [], notices: [])
            recorder.close()
            // Without history the ratios need a minute of polls; with it, the first has one.
            let watch = try await CachewatchBinary.run(
                [
                    "watch", "-p", String(server.port), "--format", "json", "-i", "0.5", "-c", "8", "--record",
                    directory.path,
                ],
                timeout: .seconds(30))
            #expect(watch.code == 0, "\(watch.stderr)")
            let ratios = watch.stdout.split(separator: "\n").compactMap { line -> Double? in
                let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                return object?["ops_surge_ratio"] as? Double
            }
            #expect(ratios.count >= 6, "\(watch.stdout)")
            #expect(ratios.allSatisfy { $0 < 1 }, "an idle server against the 50 ops/s floor: \(ratios)")
        }
    }
}
