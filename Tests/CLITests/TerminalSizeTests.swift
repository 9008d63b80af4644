import Foundation
import RESP
import TestSupport
import Testing

/// The dashboard in terminals too small to draw it, and in one resized again and again.
@Suite("terminal sizes", .sameOnEveryServer)
struct TerminalSizeTests {
    private static let environment = ["LANG": "C.UTF-8", "TZ": "UTC"]

    @Test("a 20×5 terminal: what it needs, in the room there is; q quits and restores the terminal")
    func tiny() async throws {
        try await withRedisServer { server in
            try await withTmux(
                width: 20, height: 5, command: [CachewatchBinary.path, "-p", String(server.port), "-i", "0.2"],
                environment: Self.environment
            ) { tmux in
                let screen = try await tmux.waitForScreen(containing: "80×24")
                #expect(screen.split(separator: "\n").allSatisfy { DisplayWidthProbe.columns($0) <= 20 }, "\(screen)")
                #expect(screen.contains("20×5"), "the terminal's own size is named: \(screen)")
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 0)
                #expect(try await tmux.variable("alternate_on") == "0")
            }
        }
    }

    @Test("a storm of 150 resizes, down to 1×1 and up to 250×80: no crash, the right layout after, clean exit")
    func resizeStorm() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<100).map { RESPCommand("SET", "user:\($0)", "v") })
            await admin.close()
            try await withTmux(
                width: 120, height: 40,
                command: [CachewatchBinary.path, "-p", String(server.port), "-i", "0.1", "--no-rules"],
                environment: Self.environment
            ) { tmux in
                _ = try await tmux.waitForScreen(containing: "● live")
                var generator = SystemRandomNumberGenerator()
                let sizes =
                    [(1, 1), (250, 80), (79, 23), (80, 24), (2, 40), (200, 3)]
                    + (0..<144).map { _ in
                        (Int.random(in: 1...250, using: &generator), Int.random(in: 1...80, using: &generator))
                    }
                for (index, size) in sizes.enumerated() {
                    try await tmux.resize(width: size.0, height: size.1)
                    // Every tenth, a key too: input and resizes interleave.
                    if index % 10 == 0 { try await tmux.send(["1", "2", "5", "7"][index / 10 % 4]) }
                }
                #expect(try await tmux.exitStatus() == nil, "still running after the storm")
                try await tmux.resize(width: 100, height: 30)
                try await tmux.send("1")
                // The next frames redraw the whole screen at the new size (a capture right after
                // the resize may still hold the previous frame's cells).
                var screen = ""
                let settled = try await eventually(timeout: .seconds(10)) {
                    screen = try await tmux.screen()
                    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                    return lines.first?.contains("● live") == true && screen.contains("Hit ratio")
                        && lines.prefix(30).allSatisfy { DisplayWidthProbe.columns($0) <= 100 }
                        && lines.dropFirst(28).first?.hasPrefix("└") == true
                }
                #expect(settled, "\(screen)")
                try await tmux.send("q")
                #expect(try await eventually { try await tmux.exitStatus() != nil })
                #expect(try await tmux.exitStatus() == 0)
                #expect(try await tmux.variable("alternate_on") == "0")
            }
        }
    }
}

/// Columns a captured line takes (box drawing and bullets are one column each).
enum DisplayWidthProbe {
    static func columns(_ line: Substring) -> Int { line.count }
}
