import Foundation
import RESP
import RedisClient
import Workload

#if canImport(Glibc)
import Glibc
#endif

/// A primary, a replica and sentinels watching them, all real servers of the pass's binary on
/// loopback ports (`redis-server sentinel.conf --sentinel`), quick to fail over (a primary is
/// down after 1 s of silence). Ready when every sentinel knows the replica and the others.
public final class SentinelDeployment: @unchecked Sendable {
    /// The name the sentinels know the primary by.
    public let masterName = "mymaster"
    /// The data nodes: the first starts as the primary.
    public let nodes: [RedisServer]
    /// The sentinels' ports, in start order.
    public let sentinelPorts: [Int]
    private let directory: String
    private let lock = NSLock()
    private var sentinels: [ChildProcess?]
    private let binary: String

    /// Starts the primary, the replica and `sentinels` sentinels (quorum 2).
    public init(sentinels count: Int = 3, binary: String? = nil) async throws {
        guard let binary = binary ?? ServerBinary.redisServer() else { throw TestFailure("no redis-server") }
        self.binary = binary
        let primary = try await RedisServer(["--repl-diskless-sync-delay", "0"], binary: binary)
        let replica = try await RedisServer(
            ["--replicaof", "127.0.0.1", String(primary.port), "--repl-diskless-sync-delay", "0"], binary: binary)
        nodes = [primary, replica]
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cachewatch-sentinels-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ports: [Int] = []
        var processes: [ChildProcess?] = []
        for index in 0..<count {
            let port = try FreePort.next()
            let config = "\(directory)/sentinel-\(index).conf"
            try """
            sentinel monitor \(masterName) 127.0.0.1 \(primary.port) 2
            sentinel down-after-milliseconds \(masterName) 1000
            sentinel failover-timeout \(masterName) 4000
            sentinel parallel-syncs \(masterName) 1

            """.write(toFile: config, atomically: true, encoding: .utf8)
            processes.append(
                try ChildProcess(
                    executable: binary,
                    arguments: [
                        config, "--sentinel", "--port", String(port), "--bind", "127.0.0.1", "--dir", directory,
                        "--logfile", "\(directory)/sentinel-\(index).log", "--daemonize", "no",
                    ], outputDirectory: "\(directory)/out-\(index)"))
            ports.append(port)
        }
        sentinels = processes
        sentinelPorts = ports
        // Ready when each sentinel knows the replica and every other sentinel.
        let ready = try await eventually(timeout: .seconds(40)) {
            for port in ports {
                guard let connection = try? await Self.connect(port) else { return false }
                defer { Task { await connection.close() } }
                let replicas = try? await connection.send(RESPCommand("SENTINEL", "REPLICAS", self.masterName))
                let others = try? await connection.send(RESPCommand("SENTINEL", "SENTINELS", self.masterName))
                guard (replicas?.elements?.count ?? 0) >= 1, (others?.elements?.count ?? 0) >= count - 1 else {
                    return false
                }
            }
            return true
        }
        guard ready else {
            await stop()
            throw TestFailure("the sentinels did not find each other and the replica within 40 s")
        }
    }

    private static func connect(_ port: Int) async throws -> RedisConnection {
        try await RedisConnection.connect(
            to: Endpoint(address: .tcp(host: "127.0.0.1", port: port)),
            configuration: ConnectionConfiguration(connectTimeout: .seconds(1), commandTimeout: .seconds(2)))
    }

    /// `redis+sentinel://` for the first `count` sentinels (all by default).
    public func url(sentinels count: Int? = nil) -> String {
        let hosts = sentinelPorts.prefix(count ?? sentinelPorts.count).map { "127.0.0.1:\($0)" }
        return "redis+sentinel://\(hosts.joined(separator: ","))/\(masterName)"
    }

    /// The primary's port as the first sentinel still running says.
    public func primaryPort() async -> Int? {
        for (index, port) in sentinelPorts.enumerated() where lock.withLock({ sentinels[index] }) != nil {
            guard let connection = try? await Self.connect(port) else { continue }
            defer { Task { await connection.close() } }
            let reply = try? await connection.send(RESPCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName))
            if let port = reply?.elements?.last?.stringValue.flatMap(Int.init) { return port }
        }
        return nil
    }

    /// Stops sentinel `index` (SIGTERM, waited for).
    public func stopSentinel(_ index: Int) async {
        let process = lock.withLock { () -> ChildProcess? in
            defer { sentinels[index] = nil }
            return sentinels[index]
        }
        await process?.terminate()
    }

    /// The sentinels' logs, for failure messages.
    public var logs: String {
        (0..<sentinelPorts.count).map {
            (try? String(contentsOfFile: "\(directory)/sentinel-\($0).log", encoding: .utf8))?.suffix(1500) ?? ""
        }.joined(separator: "\n---\n")
    }

    /// Stops everything and removes the sentinels' directory.
    public func stop() async {
        let running = lock.withLock { () -> [ChildProcess] in
            defer { sentinels = sentinels.map { _ in nil } }
            return sentinels.compactMap { $0 }
        }
        for process in running { await process.terminate() }
        for node in nodes { await node.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit {
        for process in sentinels.compactMap({ $0 }) where process.exitCodeIfExited() == nil { process.signal(SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
