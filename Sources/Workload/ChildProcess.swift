import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, an empty signal mask and default signal
/// handlers (Foundation's `Process` can hang in async code, and children could inherit
/// blocked signals). Its stdout and stderr go to files that can be read back.
public final class ChildProcess: @unchecked Sendable {
    /// The process id.
    public let pid: pid_t
    /// Where stdout goes.
    public let stdoutPath: String
    /// Where stderr goes.
    public let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?
    /// The directory made for the output files (none when the caller named one): removed
    /// with this object, so that no run leaves one behind.
    private let madeDirectory: URL?

    /// Starts `executable` with `arguments`; `environment` replaces the inherited one when given.
    public init(
        executable: String, arguments: [String], environment: [String: String]? = nil, outputDirectory: String? = nil
    ) throws {
        let directory =
            outputDirectory.map(URL.init(fileURLWithPath:))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cachewatch-child-\(UUID().uuidString)")
        madeDirectory = outputDirectory == nil ? directory : nil
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stdoutPath = directory.appendingPathComponent("stdout").path
        stderrPath = directory.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }

        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, env)
        guard status == 0 else {
            if let madeDirectory { try? FileManager.default.removeItem(at: madeDirectory) }
            throw ProcessFailure("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// Sends `signal` to the process.
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// The exit code (128 + signal when killed) if the process has ended, reaping it; else `nil`.
    public func exitCodeIfExited() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand: the macros don't import.
        let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        exitStatus = code
        return code
    }

    /// Waits for the process to end, polling; kills it and throws after `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = exitCodeIfExited() { return code }
            try await Task.sleep(for: .milliseconds(20))
        }
        signal(SIGKILL)
        _ = try? await waitForExitAfterKill()
        throw ProcessFailure("process \(pid) did not exit within \(timeout)")
    }

    private func waitForExitAfterKill() async throws -> Int32? {
        for _ in 0..<100 {
            if let code = exitCodeIfExited() { return code }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Everything written to stdout so far.
    public var standardOutput: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// Everything written to stderr so far.
    public var standardError: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Stops the process (SIGTERM, then SIGKILL) if it is still running.
    public func terminate() async {
        guard exitCodeIfExited() == nil else { return }
        signal(SIGTERM)
        if (try? await waitForExit(timeout: .seconds(5))) == nil { signal(SIGKILL) }
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        if let madeDirectory { try? FileManager.default.removeItem(at: madeDirectory) }
    }
}

/// A process could not be started, or did not stop in time.
public struct ProcessFailure: Error, CustomStringConvertible {
    /// What went wrong, on one line.
    public let description: String
    /// Creates a failure.
    public init(_ description: String) { self.description = description }
}
