import Foundation
import RESP
import RedisClient
import Synchronization

/// Cache-aside traffic whose hit ratio per namespace is set, and counted as it happens — the
/// truth a profile is checked against. Each namespace reads a present key (one of its `hotKeys`,
/// written at start without a TTL) with probability `hitRatio`, else a key never written before
/// (a miss, refilled at once from the same connection with a TTL, as cache-aside code does).
/// Hashes are read with `HGETALL` and refilled with `HSET` + `EXPIRE`, strings with `GET` and
/// `SET … EX`. It writes: test servers only.
public struct HitRatioWorkload: Sendable {
    /// One namespace of the mix.
    public struct Namespace: Sendable, Hashable {
        /// Keys are `<prefix>:<id>` (so the namespace is `<prefix>:*`).
        public var prefix: String
        /// The share of reads that find their key.
        public var hitRatio: Double
        /// Reads per second.
        public var readsPerSecond: Int
        /// Whether its values are hashes (else strings).
        public var hashes = false
        /// How many present keys reads are spread over.
        public var hotKeys = 200

        /// Creates a namespace.
        public init(prefix: String, hitRatio: Double, readsPerSecond: Int, hashes: Bool = false, hotKeys: Int = 200) {
            self.prefix = prefix
            self.hitRatio = hitRatio
            self.readsPerSecond = readsPerSecond
            self.hashes = hashes
            self.hotKeys = hotKeys
        }
    }

    /// Reads and misses so far, per namespace pattern (`<prefix>:*`).
    public final class Truth: Sendable {
        private let counts = Mutex<[String: (reads: Int, misses: Int)]>([:])

        /// Creates empty counts.
        public init() {}

        fileprivate func add(_ pattern: String, reads: Int, misses: Int) {
            counts.withLock { counts in
                let old = counts[pattern] ?? (0, 0)
                counts[pattern] = (old.reads + reads, old.misses + misses)
            }
        }

        /// The hit ratio of `pattern` so far; `nil` before its first read.
        public func hitRatio(_ pattern: String) -> Double? {
            counts.withLock { counts in
                guard let count = counts[pattern], count.reads > 0 else { return nil }
                return 1 - Double(count.misses) / Double(count.reads)
            }
        }

        /// Reads of `pattern` so far.
        public func reads(_ pattern: String) -> Int { counts.withLock { $0[pattern]?.reads ?? 0 } }
    }

    private let endpoint: Endpoint
    /// The namespaces.
    public let namespaces: [Namespace]
    /// What was read and missed.
    public let truth = Truth()
    private let seed: UInt64

    /// Creates a workload against `endpoint`.
    public init(endpoint: Endpoint, namespaces: [Namespace], seed: UInt64 = 1) {
        self.endpoint = endpoint
        self.namespaces = namespaces
        self.seed = seed
    }

    /// Writes every namespace's present keys; call before ``run()``.
    public func prepare() async throws {
        let connection = try await RedisConnection.connect(
            to: endpoint,
            configuration: ConnectionConfiguration(clientName: "hit-ratio-workload", policy: .unrestricted))
        defer { connection.closeSoon() }
        for namespace in namespaces {
            let commands = (0..<namespace.hotKeys).map { id in
                let key = "\(namespace.prefix):\(id)"
                return namespace.hashes
                    ? RESPCommand("HSET", key, "name", "item \(id)", "stock", "\(id % 17)")
                    : RESPCommand("SET", key, "value \(id)")
            }
            _ = try await connection.pipeline(commands, timeout: .seconds(10))
        }
    }

    /// Runs until the task is cancelled: one connection per namespace, a batch every 50 ms.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for (index, namespace) in namespaces.enumerated() {
                group.addTask { await run(namespace, seed: seed &+ UInt64(index) &* 0x9E37_79B9) }
            }
        }
    }

    private func run(_ namespace: Namespace, seed: UInt64) async {
        guard
            let connection = try? await RedisConnection.connect(
                to: endpoint,
                configuration: ConnectionConfiguration(clientName: "hit-ratio-workload", policy: .unrestricted))
        else { return }
        defer { connection.closeSoon() }
        var generator = SplitMix64(seed: seed)
        let pattern = namespace.prefix + ":*"
        let perTick = max(1, namespace.readsPerSecond / 20)
        let clock = ContinuousClock()
        var next = clock.now
        var fresh = 0
        let run = UInt64.random(in: 0..<UInt64.max, using: &generator)
        while !Task.isCancelled {
            let keys = (0..<perTick).map { _ -> String in
                if Double.random(in: 0..<1, using: &generator) < namespace.hitRatio {
                    return "\(namespace.prefix):\(Int.random(in: 0..<namespace.hotKeys, using: &generator))"
                }
                fresh += 1
                return "\(namespace.prefix):\(run)\(fresh)"
            }
            let reads = keys.map { namespace.hashes ? RESPCommand("HGETALL", $0) : RESPCommand("GET", $0) }
            guard let replies = try? await connection.pipeline(reads, timeout: .seconds(5)) else { return }
            var refills: [RESPCommand] = []
            for (key, reply) in zip(keys, replies) {
                let missed = namespace.hashes ? (reply.value.elements?.isEmpty ?? true) : reply.value.isNull
                guard missed else { continue }
                if namespace.hashes {
                    refills.append(RESPCommand("HSET", key, "name", "loaded", "stock", "1"))
                    refills.append(RESPCommand("EXPIRE", key, "60"))
                } else {
                    refills.append(RESPCommand("SET", key, "loaded", "EX", "60"))
                }
            }
            let misses = namespace.hashes ? refills.count / 2 : refills.count
            truth.add(pattern, reads: keys.count, misses: misses)
            if !refills.isEmpty { _ = try? await connection.pipeline(refills, timeout: .seconds(5)) }
            next += .milliseconds(50)
            if next < clock.now { next = clock.now }
            do { try await clock.sleep(until: next) } catch { return }
        }
    }
}
