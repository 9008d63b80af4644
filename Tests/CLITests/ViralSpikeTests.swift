import Foundation
import RESP
import TestSupport
import Testing

/// A viral spike on a real server, compressed: a steady minute, then traffic ×20 over two
/// minutes while new keys push memory to `maxmemory` — `watch` with the built-in rules calls the
/// surge within a minute of the ramp and memory full before the first eviction. The same in
/// virtual time, over several seeds, is EngineTests' SurgeScenarioTests.
@Suite("A viral spike on a real server")
struct ViralSpikeTests {
    /// Seconds of steady traffic, then of the ramp.
    static let steady = 60.0
    static let ramp = 120.0

    /// The application: every 100 ms, reads of existing keys and writes of new 1 KB products at
    /// 45 a second, both ×20 by the end of the ramp; returns when cancelled.
    static func traffic(_ server: RedisServer, start: ContinuousClock.Instant) async throws {
        let client = try await server.client()
        let value = String(repeating: "p", count: 1_000)
        var written = 0
        var owed = 0.0
        var next = start
        while !Task.isCancelled {
            let since = ContinuousClock.now - start
            let elapsed = Double(since.components.seconds) + Double(since.components.attoseconds) / 1e18
            let factor = 1 + 19 * min(max((elapsed - steady) / ramp, 0), 1)
            owed += 45 * factor / 10
            var commands = (0..<Int(100 * factor / 10 + 1)).map { _ in
                RESPCommand("GET", "product:\(Int.random(in: 0..<max(1, written)))")
            }
            while owed >= 1 {
                owed -= 1
                commands.append(RESPCommand("SET", "product:\(written)", value))
                written += 1
            }
            _ = try await client.pipeline(commands)
            // Paced by the clock, not by the work: the rates are the nominal ones at any load.
            next = next.advanced(by: .milliseconds(100))
            if next < ContinuousClock.now { next = ContinuousClock.now }
            try await Task.sleep(until: next)
        }
        await client.close()
    }

    @Test(
        "TrafficSurge within a minute of the ramp and never in the steady minute; MemoryFullSoon ≥ 30 s before the first eviction; its ETA 40 s before within ×2",
        .besideTheMatrix  // three and a half minutes of real time; INFO reads alike everywhere
    )
    func viralSpike() async throws {
        try await withRedisServer(["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"]) { server in
            let start = ContinuousClock.now
            let began = Date()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "--format", "json", "-i", "1", "--no-events",
            ])
            defer { watch.signal(SIGKILL) }
            let application = Task { try await Self.traffic(server, start: start) }
            defer { application.cancel() }
            // Until the node evicts (or five minutes pass).
            var lines: [[String: Any]] = []
            let evicted = try await eventually(timeout: .seconds(300)) {
                lines = jsonObjects(watch.standardOutput)
                return lines.contains { ($0["evicted_per_sec"] as? Double ?? 0) > 0 }
            }
            #expect(evicted, "memory never filled")
            // Seconds since the start: a metric line's `ts_ms`, an alert line's `time` (ISO 8601).
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            func seconds(_ object: [String: Any]) -> Double {
                if let milliseconds = object["ts_ms"] as? Double {
                    return milliseconds / 1000 - began.timeIntervalSince1970
                }
                let time = (object["time"] as? String).flatMap { iso.date(from: $0) }
                return (time ?? .distantFuture).timeIntervalSince(began)
            }
            let ticks = lines.filter { $0["ops_per_sec"] != nil }
            let firstEviction = try #require(ticks.first { ($0["evicted_per_sec"] as? Double ?? 0) > 0 }.map(seconds))
            let firing = lines.filter { $0["event"] as? String == "alert" && $0["status"] as? String == "firing" }
            func fired(_ name: String) -> Double? {
                firing.first { $0["alertname"] as? String == name }.map(seconds)
            }
            #expect(!firing.contains { seconds($0) < Self.steady }, "nothing in the steady minute: \(firing)")
            let surge = try #require(fired("TrafficSurge"), "TrafficSurge never fired")
            #expect(surge - Self.steady <= 60, "TrafficSurge \(surge - Self.steady) s into the ramp")
            let soon = try #require(fired("MemoryFullSoon"), "MemoryFullSoon never fired")
            #expect(firstEviction - soon >= 30, "MemoryFullSoon \(firstEviction - soon) s before the first eviction")
            let before = ticks.last { seconds($0) <= firstEviction - 40 }
            let eta = try #require(before?["memory_full_eta_seconds"] as? Double, "no ETA 40 s before the eviction")
            #expect(eta >= 20 && eta <= 80, "ETA \(eta) s, 40 s before the first eviction")
        }
    }
}
