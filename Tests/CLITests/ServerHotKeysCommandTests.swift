import Foundation
import TestSupport
import Testing

/// `profile --hotkeys` and `watch --hotkeys` against scripted servers of versions no package
/// here ships (Redis 8.6, Valkey 9.2: see ``FakeHotkeyServer``).
@Suite("HOTKEYS from the command line (scripted Redis 8.6 and Valkey 9.2)", .sameOnEveryServer)
struct ServerHotKeysCommandTests {
    @Test("Redis 8.6: profile --hotkeys starts a session with a DURATION, reads it, stops and resets it")
    func redisSession() async throws {
        let fake = try await FakeHotkeyServer(.redis(sessionRunning: false))
        let result = try await CachewatchBinary.run([
            "profile", "--hotkeys", "--seconds", "1", "--hotkeys-sample", "4", "redis://127.0.0.1:\(fake.port)",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("HOTKEYS (Redis, CPU and network per session)"), "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let catalog = try #require(lines.first { $0.hasSuffix("catalog:all") })
        #expect(catalog.contains("50.00"), "5 s of CPU over a 10 s session: \(catalog)")
        let hotkeys = fake.commands.filter { $0.first == "HOTKEYS" }
        #expect(
            hotkeys == [
                ["HOTKEYS", "START", "METRICS", "2", "CPU", "NET", "COUNT", "32", "DURATION", "1", "SAMPLE", "4"],
                ["HOTKEYS", "GET"], ["HOTKEYS", "STOP"], ["HOTKEYS", "RESET"],
            ], "\(hotkeys)")
        await fake.stop()
    }

    @Test("someone else's session is read and left running; JSON has the keys and their rates")
    func othersSession() async throws {
        let fake = try await FakeHotkeyServer(.redis(sessionRunning: true))
        let result = try await CachewatchBinary.run([
            "profile", "--hotkeys", "--seconds", "1", "--format", "json", "-p", String(fake.port),
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("already running") && result.stderr.contains("left running"), "\(result.stderr)")
        let json = try #require(jsonObjects(result.stdout).first)
        #expect(json["source"] as? String == "redis-hotkeys")
        let keys = try #require(json["keys"] as? [[String: Any]])
        #expect(keys.first?["key"] as? String == "catalog:all" && keys.first?["cpu_percent"] as? Double == 50)
        #expect(keys.last?["net_bytes_per_sec"] as? Double == 30_000)
        #expect(!fake.commands.contains { $0 == ["HOTKEYS", "STOP"] || $0 == ["HOTKEYS", "RESET"] })
        await fake.stop()
    }

    @Test("no HOTKEYS (Redis 7), Valkey with tracking off, refused: one line each, exit 1")
    func refusals() async throws {
        let old = try await FakeHotkeyServer(.redis7)
        let seven = try await CachewatchBinary.run(["profile", "--hotkeys", "-p", String(old.port)])
        #expect(seven.code == 1 && seven.stderr.contains("runs Redis 7.0.15: HOTKEYS needs Redis 8.6+ or Valkey 9.2+"))
        #expect(seven.stderr.split(separator: "\n").count == 1, "\(seven.stderr)")
        await old.stop()

        let off = try await FakeHotkeyServer(.valkey(topK: 0))
        let valkey = try await CachewatchBinary.run(["profile", "--hotkeys", "-p", String(off.port)])
        #expect(valkey.code == 1 && valkey.stderr.contains("CONFIG SET hotkeys-top-k 16"), "\(valkey.stderr)")
        await off.stop()

        let denied = try await FakeHotkeyServer(.redis(sessionRunning: false), refusesHotkeys: true)
        let refused = try await CachewatchBinary.run([
            "profile", "--hotkeys", "--seconds", "1", "-p", String(denied.port),
        ])
        #expect(refused.code == 1 && refused.stderr.contains("needs @admin"), "\(refused.stderr)")
        await denied.stop()
    }

    @Test("Valkey 9.2: profile --hotkeys reads the window at once; watch --hotkeys prints it each poll")
    func valkeyWindow() async throws {
        let fake = try await FakeHotkeyServer(.valkey(topK: 16))
        let started = ContinuousClock.now
        let profile = try await CachewatchBinary.run([
            "profile", "--hotkeys", "--seconds", "30", "-p", String(fake.port),
        ])
        #expect(profile.code == 0, "\(profile.stderr)")
        #expect(ContinuousClock.now - started < .seconds(15), "no waiting for --seconds on Valkey")
        #expect(
            profile.stdout.contains("48.2k   0  product:8fd21a") && profile.stdout.contains("user:42"),
            "\(profile.stdout)")
        #expect(profile.stdout.contains("last window 1.0 s · 211833 samples · top 16 at 1 %"))
        #expect(!fake.commands.contains { $0.first == "HOTKEYS" && $0 != ["HOTKEYS", "GET"] })

        let watch = try await CachewatchBinary.run([
            "watch", "-p", String(fake.port), "--format", "json", "--hotkeys", "-c", "3", "-i", "0.2", "--no-sampling",
        ])
        #expect(watch.code == 0, "\(watch.stderr)")
        let lines = jsonObjects(watch.stdout).filter { $0["event"] as? String == "hotkeys" }
        #expect(lines.count >= 2, "\(watch.stdout)")
        let keys = lines.last?["keys"] as? [[String: Any]] ?? []
        #expect(keys.map { $0["key"] as? String } == ["product:8fd21a", "user:42", "ghost:1"])
        #expect(keys.dropFirst().first?["db"] as? Int == 3)
        await fake.stop()
    }
}
