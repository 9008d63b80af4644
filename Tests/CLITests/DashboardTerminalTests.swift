import Foundation
import RESP
import Telemetry
import TestSupport
import Testing
import Workload

/// The real binary in a real terminal (tmux) against a real redis-server, used as a person would.
@Suite("Dashboard in a terminal", .sameOnEveryServer)
struct DashboardTerminalTests {
    private static let environment = ["LANG": "C.UTF-8", "TZ": "UTC"]

    @Test("shows data, answers keys (help, a view, pause), quits with 0 and restores the terminal")
    func interactive() async throws {
        try await withRedisServer(["--slowlog-log-slower-than", "0"]) { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<50).map { RESPCommand("SET", "user:\($0):profile", "v") })
            try await withTmux(
                width: 100, height: 30,
                command: [CachewatchBinary.path, "top", "-p", String(server.port), "-i", "0.2", "--no-rules"],
                environment: Self.environment
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                // The header is drawn first: a capture can land mid-frame, so wait for the body too.
                var screen = try await tmux.waitForScreen(containing: "Slow log")
                #expect(screen.contains("127.0.0.1:\(server.port)"))
                #expect(screen.contains("Hit ratio") && screen.contains("Ops/s") && screen.contains("Slow log"))
                screen = try await tmux.waitForScreen(containing: "keys 50")
                #expect(screen.contains("keys 50  with TTL 0.0%"))

                try await tmux.send("?")
                screen = try await tmux.waitForScreen(containing: "show or hide this help")
                #expect(screen.contains("pause the display"))
                try await tmux.send("Escape")
                screen = try await tmux.waitForScreen(containing: "Hit ratio")

                try await tmux.send("2")
                screen = try await tmux.waitForScreen(containing: "sort: newest")
                try await tmux.send("/", "p", "r", "o", "f", "i", "l", "e", "Enter")
                screen = try await tmux.waitForScreen(containing: "filter: profile")
                #expect(screen.contains(":profile"))
                #expect(!screen.contains("INFO everything"), "the filter keeps only matching entries")
                try await tmux.send("s")
                screen = try await tmux.waitForScreen(containing: "sort: duration")
                try await tmux.send("Escape")
                #expect(
                    try await eventually { !(try await tmux.screen()).contains("filter: profile") },
                    "Esc clears the filter")

                try await tmux.send("3")
                screen = try await tmux.waitForScreen(containing: "Commands (INFO commandstats)")
                #expect(screen.contains("set"))

                try await tmux.send("5")
                screen = try await tmux.waitForScreen(containing: "user:*:profile")
                #expect(screen.contains("Biggest keys") && screen.contains("Expiry waves"))

                try await tmux.send("6")
                screen = try await tmux.waitForScreen(containing: "no rules loaded")

                try await tmux.send("p")
                screen = try await tmux.waitForScreen(containing: "PAUSED")
                try await tmux.send("p")
                screen = try await tmux.waitForScreen(containing: "● live")

                try await tmux.send("q")
                let exited = try await eventually { try await tmux.exitStatus() != nil }
                let lastScreen = try await tmux.screen()
                #expect(exited, "\(lastScreen)")
                #expect(try await tmux.exitStatus() == 0)
                #expect(try await tmux.variable("alternate_on") == "0", "the alternate screen must be left")
            }
            await admin.close()
        }
    }

    @Test("keys are handled while the server stalls")
    func responsiveDuringStall() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            try await withTmux(
                width: 100, height: 30,
                command: [CachewatchBinary.path, "-p", String(server.port), "-i", "0.2", "--no-rules"],
                environment: Self.environment
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                // Hold every client's commands for 5 s: polls hang until the command timeout.
                let pausedAt = ContinuousClock.now
                _ = try await admin.send(RESPCommand("CLIENT", "PAUSE", "5000", "ALL"))
                try await tmux.send("?")
                _ = try await tmux.waitForScreen(containing: "show or hide this help")
                #expect(ContinuousClock.now - pausedAt < .seconds(5), "the key was handled only after the stall ended")
                try await tmux.send("q")
                let exited = try await eventually { try await tmux.exitStatus() != nil }
                let lastScreen = try await tmux.screen()
                #expect(exited, "\(lastScreen)")
                #expect(try await tmux.exitStatus() == 0)
            }
            await admin.close()
        }
    }

    @Test("SIGTERM, SIGINT and SIGHUP restore the terminal and stop the demo's server")
    func signals() async throws {
        for (signal, status) in [(SIGTERM, Int32(143)), (SIGINT, Int32(130)), (SIGHUP, Int32(129))] {
            try await withTmux(
                width: 100, height: 30, command: [CachewatchBinary.path, "demo", "-i", "0.2"],
                environment: Self.environment
            ) { tmux in
                let screen = try await tmux.waitForScreen(containing: "● live", timeout: .seconds(30))
                let port = try #require(
                    screen.split(separator: " ").first { $0.hasPrefix("127.0.0.1:") }.flatMap { Int($0.dropFirst(10)) })
                let pid = try #require(try await tmux.programPID())
                kill(pid, signal)
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == status)
                #expect(try await tmux.variable("alternate_on") == "0")
                let refused = try ChildProcess(
                    executable: "/usr/bin/redis-cli", arguments: ["-p", String(port), "ping"])
                _ = try await refused.waitForExit()
                #expect(!refused.standardOutput.contains("PONG"), "the demo's redis-server must be stopped")
            }
        }
    }

    @Test("the dashboard puts back what --enable-events changed on SIGTERM, after restoring the terminal")
    func enableEventsSignal() async throws {
        try await withRedisServer { server in
            try await withTmux(
                width: 100, height: 30,
                command: [CachewatchBinary.path, "top", "-p", String(server.port), "-i", "0.3", "--enable-events"],
                environment: Self.environment
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live", timeout: .seconds(30))
                let admin = try await server.client()
                func flags() async throws -> String? {
                    let reply = try await admin.send(RESPCommand("CONFIG", "GET", "notify-keyspace-events"))
                    if case .map(let pairs) = reply { return pairs.first?.value.stringValue }
                    return reply.elements?.last?.stringValue
                }
                // e, x, g, m, and o where the server has it (Redis 8.2+).
                let wanted = Set(
                    "E"
                        + KeyEventKind.publishable(server: admin.hello.server, version: admin.hello.version)
                        .filter { $0.isEnabledOnRequest(beside: KeyspaceEventFlags("")) }.map(\.flag))
                let enabled = try await eventually(timeout: .seconds(20)) { try await flags().map(Set.init) == wanted }
                #expect(enabled)
                let pid = try #require(try await tmux.programPID())
                kill(pid, SIGTERM)
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 143)
                #expect(try await tmux.variable("alternate_on") == "0")
                #expect(try await flags() == "")
                await admin.close()
            }
        }
    }

    @Test("a terminal below 80×24 gets a friendly screen with the minimum")
    func tooSmall() async throws {
        try await withRedisServer { server in
            try await withTmux(
                width: 60, height: 20, command: [CachewatchBinary.path, "-p", String(server.port)],
                environment: Self.environment
            ) { tmux in
                // The last line drawn: a capture between the two lines would miss it.
                let screen = try await tmux.waitForScreen(containing: "this terminal is 60×20")
                #expect(screen.contains("needs at least 80×24"))
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() == 0 })
            }
        }
    }
}

@Suite("Dashboard alerts in a terminal", .sameOnEveryServer)
struct DashboardAlertsTerminalTests {
    @Test("a firing rule shows in the header and in the alerts view; a bad rules file stops it first")
    func alerts() async throws {
        try await withRedisServer { server in
            let path = try TemporaryFile.containing(
                "rules:\n  - name: Connected\n    metric: clients_connected\n    above: 0\n    severity: critical\n")
            try await withTmux(
                width: 100, height: 30,
                command: [CachewatchBinary.path, "-p", String(server.port), "-i", "0.2", "--rules", path],
                environment: ["LANG": "C.UTF-8"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "1 firing")
                try await tmux.send("6")
                let screen = try await tmux.waitForScreen(containing: "Recent events")
                #expect(screen.contains("firing  critical Connected"))
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() == 0 })
            }

            try "rules:\n  - name: X\n    metric: nope\n    above: 1\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            let refused = try await CachewatchBinary.run(["top", "-p", String(server.port), "--rules", path])
            #expect(refused.code == 1)
            #expect(refused.stderr.hasPrefix("cachewatch: \(path):3:13: unknown metric 'nope'"))
        }
    }

    @Test("P profiles the shown node: the Traffic by namespace panel shows each namespace's hit ratio")
    func profileKey() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Em"]) { server in
            let workload = HitRatioWorkload(
                endpoint: server.endpoint,
                namespaces: [
                    .init(prefix: "user", hitRatio: 0.98, readsPerSecond: 200),
                    .init(prefix: "search", hitRatio: 0.2, readsPerSecond: 200),
                ])
            try await workload.prepare()
            let traffic = Task { await workload.run() }
            defer { traffic.cancel() }
            try await withTmux(
                width: 120, height: 40,
                command: [CachewatchBinary.path, "top", "-p", String(server.port), "-i", "0.5"],
                environment: ["LANG": "C.UTF-8", "TZ": "UTC"]
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "Slow log")
                try await tmux.send("P")
                // P opens the keyspace view with the panel, which says the profile is running.
                var screen = try await tmux.waitForScreen(containing: "Traffic by namespace")
                screen = try await tmux.waitForScreen(containing: "(MONITOR)")
                screen = try await tmux.waitForScreen(containing: "misses from keymiss events", timeout: .seconds(30))
                #expect(screen.contains("misses exact"), "EXACT")
                let rows = screen.split(separator: "\n").map(String.init)
                func hitPercent(_ namespace: String) -> Int? {
                    // The left column's panel (its first cell is the namespace); hit% is its last column.
                    let panel = rows.compactMap { $0.split(separator: "│").first }
                    guard let row = panel.first(where: { $0.hasPrefix(namespace + " ") }) else { return nil }
                    return row.split(separator: " ").last.flatMap { Int($0) }
                }
                let search = try #require(hitPercent("search:*"), "SEARCH")
                let user = try #require(hitPercent("user:*"), "USER")
                #expect(abs(search - 20) <= 6 && user >= 93, "search \(search)%, user \(user)%")
                // The rule reads it: search:* misses more than it hits, with real traffic.
                try await tmux.send("6")
                screen = try await tmux.waitForScreen(containing: "LowNamespaceHitRatio", timeout: .seconds(10))
                #expect(screen.contains("search:*"), "ALERT SEARCH")
                #expect(!screen.contains("user:* on"), "ALERT USER")
            }
        }
    }
}
