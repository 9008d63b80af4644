import Foundation
import RESP
import RedisClient

#if canImport(Glibc)
    import Glibc
#endif

/// A real `redis-server` on a free loopback port in a private temporary directory, started
/// by the test and stopped by it (also when the test fails: `stop()` in a `defer`).
public final class RedisServer: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    /// Its working directory.
    public let directory: String
    private let extraArguments: [String]
    private var process: ChildProcess?

    /// The `redis-server` binary used: `$REDIS_SERVER`, else the first on `PATH`.
    public static var binary: String {
        if let override = ProcessInfo.processInfo.environment["REDIS_SERVER"] { return override }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "redis-server"
    }

    /// Starts a server with `arguments` added to a test-friendly base configuration (no
    /// persistence, loopback only); waits until it answers PING.
    public init(_ arguments: [String] = [], port: Int? = nil) async throws {
        self.port = try port ?? FreePort.next()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cachewatch-redis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        extraArguments = arguments
        try await start()
    }

    /// The endpoint of this server.
    public var endpoint: Endpoint { Endpoint(address: .tcp(host: "127.0.0.1", port: port)) }

    /// The server's log so far (for failure messages).
    public var log: String { process.map { $0.standardOutput + $0.standardError } ?? "" }

    /// Starts the server (again, after ``stop()``) on the same port.
    public func start() async throws {
        let arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--daemonize", "no", "--logfile", "",
        ] + extraArguments
        let child = try ChildProcess(executable: Self.binary, arguments: arguments)
        process = child
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let code = child.exitCodeIfExited() {
                throw TestFailure("redis-server exited with \(code): \(child.standardOutput)\(child.standardError)")
            }
            do {
                let connection = try await RedisConnection.connect(
                    to: endpoint, configuration: ConnectionConfiguration(connectTimeout: .seconds(1), policy: .unrestricted))
                await connection.close()
                return
            } catch let error as RedisConnectionError where error.isAuthentication {
                return  // it answers; it just wants a password
            } catch {}
            try await Task.sleep(for: .milliseconds(25))
        }
        throw TestFailure("redis-server on port \(port) did not answer within 15 s")
    }

    /// Stops the server (SIGTERM, waiting for it to exit).
    public func stop() async {
        await process?.terminate()
        process = nil
    }

    /// Opens a connection that may send anything (tests write data and change config).
    public func client(password: String? = nil, username: String? = nil) async throws -> RedisConnection {
        var endpoint = endpoint
        endpoint.password = password.map(Secret.init)
        endpoint.username = username
        return try await RedisConnection.connect(to: endpoint, configuration: ConnectionConfiguration(policy: .unrestricted))
    }

    deinit {
        if let process, process.exitCodeIfExited() == nil {
            process.signal(SIGKILL)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
