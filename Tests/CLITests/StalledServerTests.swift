import Foundation
import TestSupport
import Testing

/// A server frozen with SIGSTOP — it keeps its connections and its port open but answers
/// nothing, as a server swapping or stuck in a long fork does — then resumed with SIGCONT.
@Suite("a stalled server (SIGSTOP) that resumes", .sameOnEveryServer)
struct StalledServerTests {
    private static let stall: Duration = .seconds(6)

    /// Stops the server for ``stall`` once `ready` holds, then resumes it; returns when it was
    /// stopped. The server is resumed even when the body throws, so its scoped stop can end it.
    private static func freeze(_ server: RedisServer) async throws -> ContinuousClock.Instant {
        let pid = try #require(server.pid)
        kill(pid, SIGSTOP)
        let stoppedAt = ContinuousClock.now
        // The stall's length is the fault itself, not a wait for something to happen.
        try? await Task.sleep(until: stoppedAt + stall)
        kill(pid, SIGCONT)
        return stoppedAt
    }

    @Test("watch: one line when it stops answering, one 'back after' as long as the outage, ticks go on")
    func watch() async throws {
        try await withRedisServer { server in
            defer { server.pid.map { _ = kill($0, SIGCONT) } }
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.2", "--timeout", "1", "--connect-timeout", "1",
                "--format", "json", "--no-events",
            ])
            #expect(try await eventually { watch.standardOutput.contains("\"up\":1") })
            let stoppedAt = try await Self.freeze(server)
            #expect(
                try await eventually(timeout: .seconds(20)) { watch.standardError.contains("back after") },
                "\(watch.standardError)")
            let backSeen = ContinuousClock.now - stoppedAt
            let lines = watch.standardError.split(separator: "\n").map(String.init)
            #expect(lines.count == 2, "one line down, one line back: \(lines)")
            let lost = lines.first ?? ""
            #expect(lost.contains("connection lost:") && lost.contains("did not reply within 1s"), "\(lost)")
            let back = try #require(lines.last?.firstMatch(of: /back after ([0-9]+)s$/), "\(lines)")
            let reported = Double(Int(back.1) ?? -1)
            // Never shorter than the stall; as long as the outage was seen to be (the last retry
            // lands up to one backoff step after the resume).
            #expect(reported >= Self.stall.secondsDouble - 0.5, "\(back.0) for a \(Self.stall) stall")
            #expect(abs(reported - backSeen.secondsDouble) <= 1.5, "\(back.0), seen back after \(backSeen)")
            #expect(!lines.last!.contains("restarted"), "the same server: no counter reset")
            let objects = jsonObjects(watch.standardOutput)
            #expect(objects.contains { $0["up"] as? Double == 0 }, "down ticks during the stall")
            let ticks = objects.count
            #expect(try await eventually { jsonObjects(watch.standardOutput).count >= ticks + 5 }, "ticks go on")
            #expect(jsonObjects(watch.standardOutput).last?["up"] as? Double == 1)
            #expect(watch.exitCodeIfExited() == nil, "watch keeps running")
            await watch.terminate()
        }
    }

    @Test("check on a stalled server: UNKNOWN within its timeout, one line")
    func check() async throws {
        try await withRedisServer { server in
            let pid = try #require(server.pid)
            kill(pid, SIGSTOP)
            defer { kill(pid, SIGCONT) }
            let started = ContinuousClock.now
            let result = try await CachewatchBinary.run([
                "check", "-p", String(server.port), "--timeout", "1", "--connect-timeout", "1",
            ])
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(result.code == 3, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.hasPrefix("CACHEWATCH UNKNOWN - "), "\(result.stdout)")
            #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        }
    }

    @Test("the dashboard: down while stalled, keys still answered, live again after, terminal restored")
    func dashboard() async throws {
        try await withRedisServer { server in
            defer { server.pid.map { _ = kill($0, SIGCONT) } }
            try await withTmux(
                width: 100, height: 30,
                command: [
                    CachewatchBinary.path, "-p", String(server.port), "-i", "0.2", "--timeout", "1",
                    "--connect-timeout", "1", "--no-rules",
                ],
                environment: ["LANG": "C.UTF-8", "TZ": "UTC"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                let pid = try #require(server.pid)
                kill(pid, SIGSTOP)
                _ = try await tmux.waitForScreen(containing: "● down")
                try await tmux.send("?")
                _ = try await tmux.waitForScreen(containing: "show or hide this help")
                try await tmux.send("Escape")
                kill(pid, SIGCONT)
                _ = try await tmux.waitForScreen(containing: "● live", timeout: .seconds(20))
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 0)
                #expect(try await tmux.variable("alternate_on") == "0")
            }
        }
    }
}
