import Foundation
import RedisClient

#if canImport(Glibc)
import Glibc
#endif

/// A `redis-server` of our own on a free loopback port, in a fresh temporary directory, with
/// no persistence: the demo's server and the tests' servers. It can be stopped and started
/// again on the same port (a restart, as far as a client can tell).
public final class PrivateRedisServer: @unchecked Sendable {
    /// The port it listens on.
    public private(set) var port: Int
    /// Its working directory (holds its log); removed when the object goes away.
    public let directory: String
    private let extraArguments: [String]
    private let binary: String?
    private let lock = NSLock()
    private var process: ChildProcess?

    /// Starts a server with `arguments` added to a base configuration (loopback only, no
    /// persistence, a log file in ``directory``) and waits until it answers.
    ///
    /// - Throws: ``ProcessFailure`` when no `redis-server` is installed, it exits at once, or it
    ///   does not answer within 30 s.
    ///
    /// - Parameter binary: the server executable; by default what ``ServerBinary/redisServer(environment:)``
    ///   finds (`$REDIS_SERVER` first).
    public init(_ arguments: [String] = [], port: Int? = nil, binary: String? = nil) async throws {
        self.binary = binary
        self.port = try port ?? FreePort.next()
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("cachewatch-redis-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        extraArguments = arguments
        // A free port can be taken by someone else before the server binds it: try another.
        var attempts = 0
        while true {
            do {
                try await start()
                return
            } catch let failure as ProcessFailure
                where port == nil && attempts < 4 && failure.description.contains("Failed listening")
            {
                attempts += 1
                self.port = try FreePort.next()
            }
        }
    }

    /// The server's endpoint.
    public var endpoint: Endpoint { Endpoint(address: .tcp(host: "127.0.0.1", port: port)) }

    /// The process id while running, so a signal handler can stop it synchronously.
    public var pid: pid_t? { lock.withLock { process?.pid } }

    /// The server's log so far.
    public var log: String { (try? String(contentsOfFile: "\(directory)/redis.log", encoding: .utf8)) ?? "" }

    /// How many times the log says the server was ready (once per start).
    private var readyLines: Int { log.components(separatedBy: "Ready to accept connections").count - 1 }

    /// Starts the server (again, after ``stop()``) on the same port and waits until it answers.
    public func start() async throws {
        guard let binary = binary ?? ServerBinary.redisServer() else {
            throw ProcessFailure("redis-server is not installed (Debian: apt-get install -y redis-server)")
        }
        let arguments =
            [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", directory, "--daemonize", "no", "--logfile", "\(directory)/redis.log",
            ] + extraArguments
        let readyBefore = readyLines
        let child = try ChildProcess(executable: binary, arguments: arguments, outputDirectory: directory)
        lock.withLock { process = child }

        // Generous: on a machine running many servers and builds at once, a start has taken
        // longer than 15 s.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let code = child.exitCodeIfExited() {
                let reason = (log + child.standardError).split(separator: "\n").last.map(String.init) ?? "no log"
                throw ProcessFailure("redis-server exited with code \(code): \(reason)")
            }
            // Another test's server may hold the port while this one fails to bind it: only our
            // own server's word that it is ready counts, then an answer.
            guard readyLines > readyBefore else {
                try await Task.sleep(for: .milliseconds(25))
                continue
            }
            do {
                let connection = try await RedisConnection.connect(
                    to: endpoint, configuration: ConnectionConfiguration(connectTimeout: .seconds(1)))
                await connection.close()
                return
            } catch let error as RedisConnectionError where error.isAuthentication {
                return  // it answers; it just wants a password
            } catch {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        child.signal(SIGKILL)
        let last = log.split(separator: "\n").last.map(String.init) ?? "no log"
        throw ProcessFailure(
            "redis-server on port \(port) did not answer within 30 s (ready lines \(readyLines), its log's last line: \(last))"
        )
    }

    /// Stops the server (SIGTERM, waiting for it to exit; SIGKILL after 5 s).
    public func stop() async {
        let running = lock.withLock { () -> ChildProcess? in
            defer { process = nil }
            return process
        }
        await running?.terminate()
    }

    /// Kills the server without waiting and removes its directory (for signal handlers, where
    /// nothing asynchronous can run).
    public func stopImmediately() {
        lock.withLock {
            process?.signal(SIGKILL)
            _ = process?.exitCodeIfExited()
            process = nil
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit {
        if let process, process.exitCodeIfExited() == nil { process.signal(SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
