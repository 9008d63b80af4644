import Foundation
import Workload

/// A program run in a private tmux server, driven as a person would: keys typed with
/// `send-keys`, the screen read with `capture-pane`. The pane stays after the program exits,
/// so its exit status and the terminal state can be checked.
public final class TmuxSession: @unchecked Sendable {
    private let socket = "cachewatch-test-\(UUID().uuidString.prefix(8))"
    private let target = "main"
    // tmux 3.3 sometimes marks a pane dead (the pty closed) without its exit status, so the
    // shell that runs the program writes the status to a file.
    private let statusPath = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cachewatch-tmux-\(UUID().uuidString).status"
    ).path

    /// Starts `command` (arguments are shell-quoted) in a `width` × `height` terminal.
    public init(width: Int, height: Int, command: [String], environment: [String: String] = [:]) async throws {
        try await tmux(["new-session", "-d", "-s", target, "-x", String(width), "-y", String(height)])
        try await tmux(["set-option", "-t", target, "remain-on-exit", "on"])
        let exports = environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let line = (exports.isEmpty ? "" : "env \(exports) ") + command.map(Self.quote).joined(separator: " ")
        try await tmux(["respawn-pane", "-k", "-t", target, "\(line); echo $? > \(Self.quote(statusPath))"])
    }

    /// The screen as text (no colours).
    public func screen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", target])
    }

    /// The screen with colour escapes (for screenshots).
    public func screenWithEscapes() async throws -> String {
        try await tmux(["capture-pane", "-p", "-e", "-t", target])
    }

    /// Types keys (tmux key names: `q`, `Escape`, `F1`, `Down`…).
    public func send(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", target] + keys)
    }

    /// Resizes the terminal, as a person dragging the window's corner would.
    public func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    /// A tmux format variable of the pane, e.g. `pane_dead`, `pane_pid`, `alternate_on`.
    public func variable(_ name: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", target, "#{\(name)}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    /// The program's process id (the pane runs it under a shell that records its status).
    public func programPID() async throws -> Int32? {
        guard let shell = Int32(try await variable("pane_pid")) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// The exit status once the program has exited (128 + signal when killed), else `nil`.
    public func exitStatus() async throws -> Int32? {
        guard let text = try? String(contentsOfFile: statusPath, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Polls the screen until it contains `text`; returns it, or throws with the last screen seen.
    public func waitForScreen(containing text: String, timeout: Duration = .seconds(15)) async throws -> String {
        var last = ""
        let found = try await eventually(timeout: timeout) {
            last = try await screen()
            return last.contains(text)
        }
        guard found else { throw TestFailure("'\(text)' never appeared; the screen was:\n\(last)") }
        return last
    }

    /// Stops the tmux server and everything in it.
    public func close() async {
        _ = try? await tmux(["kill-server"])
    }

    deinit {
        try? FileManager.default.removeItem(atPath: statusPath)
        let socket = socket
        _ = try? ChildProcess(executable: Self.tmuxPath, arguments: ["-L", socket, "kill-server"])
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> String {
        let process = try ChildProcess(executable: Self.tmuxPath, arguments: ["-L", socket] + arguments)
        let code = try await process.waitForExit(timeout: .seconds(10))
        guard code == 0 else {
            throw TestFailure("tmux \(arguments.first ?? "") failed (\(code)): \(process.standardError)")
        }
        return process.standardOutput
    }

    private static var tmuxPath: String {
        ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "tmux"
    }

    private static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
