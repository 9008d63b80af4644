import Foundation
import TestSupport
import Testing

/// `cachewatch replay DIR` in a real terminal (tmux), on a recorded incident: the screens as
/// they were (golden), time travel by keys, the terminal restored.
@Suite("Replay in a terminal", .sameOnEveryServer, .serialized)
struct ReplayTerminalTests {
    private static let environment = ["LANG": "C.UTF-8", "TZ": "UTC"]
    private static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Compares `screen` with the golden file `name` (recorded when missing).
    private static func expectGolden(_ screen: String, _ name: String) throws {
        let file = goldenDirectory.appendingPathComponent(name)
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try screen.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("golden \(name) was missing: recorded it, review and commit it")
            return
        }
        #expect(screen == expected, "the screen changed; delete \(name) to re-record it after review:\n\(screen)")
    }

    @Test(
        "a replayed incident: the overview, the alerts and the keyspace view as they were, keys move through time, q restores"
    )
    func incident() async throws {
        let directory = try TemporaryDirectory()
        try RecordedIncident.write(into: directory.path)
        try await withTmux(
            width: 120, height: 40,
            command: [CachewatchBinary.path, "replay", directory.path, "--from=+7m"],
            environment: Self.environment
        ) { tmux in
            // Three minutes into the incident (memory full at 08:04:01).
            var screen = try await tmux.waitForScreen(containing: "2027-01-15 08:07:01 UTC")
            screen = try await tmux.waitForScreen(containing: "Slow log")
            #expect(screen.contains("cachewatch REPLAY") && screen.contains("PAUSED"))
            try Self.expectGolden(screen, "replay-overview.txt")
            try await tmux.send("6")
            screen = try await tmux.waitForScreen(containing: "MemoryFull")
            try Self.expectGolden(screen, "replay-alerts.txt")
            // The keyspace as last recorded (08:07:01 or the minute before): the prices' wave
            // at 08:12:00 ahead, the big keys.
            try await tmux.send("5")
            screen = try await tmux.waitForScreen(containing: "Biggest keys")
            #expect(screen.contains("report:daily") && screen.contains("price:*"), "\(screen)")
            try Self.expectGolden(screen, "replay-keyspace.txt")
            try await tmux.send("6")
            // Ten minutes back: the start, before the incident — nothing firing.
            try await tmux.send("<")
            screen = try await tmux.waitForScreen(containing: "2027-01-15 08:00:01 UTC")
            #expect(!screen.contains("MemoryFull"), "\(screen)")
            // A time typed in, then a tick on.
            try await tmux.send("g", "0", "8", ":", "0", "5", "Enter")
            screen = try await tmux.waitForScreen(containing: "2027-01-15 08:05:00 UTC")
            try await tmux.send("Right")
            screen = try await tmux.waitForScreen(containing: "2027-01-15 08:05:01 UTC")
            // Played at ×60 to the end, where it stops.
            try await tmux.send("x", "x", "x", "x", "x", " ")
            screen = try await tmux.waitForScreen(containing: "▶ ×60")
            screen = try await tmux.waitForScreen(containing: "2027-01-15 08:10:00 UTC", timeout: .seconds(20))
            try await tmux.send("q")
            #expect(try await eventually { try await tmux.exitStatus() != nil })
            #expect(try await tmux.exitStatus() == 0)
            #expect(try await tmux.variable("alternate_on") == "0", "the alternate screen must be left")
        }
    }

    @Test("--format is not needed for a terminal; without one, replay says so in one line")
    func noTerminal() async throws {
        let directory = try TemporaryDirectory()
        try RecordedIncident.write(into: directory.path)
        let result = try await CachewatchBinary.run(["replay", directory.path])
        #expect(result.code != 0 && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
}
