import RESP
import RedisClient

/// Drives cache-aside traffic at a server: read a key; on a miss, "load it from the database"
/// and write it back with a TTL. Keys are namespaced like a real application's
/// (`product:<id>`, `user:<id>:profile`, `session:<token>`) and Zipf-popular.
///
/// This is the only writer in the project; it uses an unrestricted connection of its own.
public struct CacheAsideWorkload: Sendable {
    private let endpoint: Endpoint
    private let configuration: WorkloadConfiguration

    /// Creates a workload against `endpoint`.
    public init(endpoint: Endpoint, configuration: WorkloadConfiguration = WorkloadConfiguration()) {
        self.endpoint = endpoint
        self.configuration = configuration
    }

    /// What a run did so far.
    public struct Totals: Sendable, Hashable {
        /// GETs sent.
        public var reads = 0
        /// GETs that found nothing.
        public var misses = 0
        /// SETs sent after misses (one per missed key per batch).
        public var writes = 0
    }

    /// Runs until the task is cancelled or `ticks` batches (of 50 ms each) have been sent;
    /// connection failures are retried with backoff. Returns the totals.
    @discardableResult
    public func run(ticks: Int? = nil) async -> Totals {
        let connection = ManagedConnection(
            endpoint: endpoint,
            configuration: ConnectionConfiguration(clientName: "cachewatch-workload", policy: .unrestricted),
            backoff: ReconnectBackoff(initial: .milliseconds(200), maximum: .seconds(2)))
        var generator = SplitMix64(seed: configuration.seed)
        let sampler = ZipfSampler(count: configuration.keyCount, exponent: configuration.zipfExponent)
        let tick = Duration.milliseconds(50)
        let readsPerTick = max(1, configuration.readsPerSecond / 20)
        let clock = ContinuousClock()
        var next = clock.now
        var totals = Totals()
        var sent = 0
        while !Task.isCancelled, ticks.map({ sent < $0 }) ?? true {
            sent += 1
            let keys = (0..<readsPerTick).map { _ in key(rank: sampler.next(using: &generator)) }
            do {
                let replies = try await connection.pipeline(keys.map { RESPCommand("GET", $0) })
                totals.reads += keys.count
                let missed = zip(keys, replies).filter { $0.1.value.isNull }.map(\.0)
                totals.misses += missed.count
                // One refill per key per batch, as an application with single-flight loading does.
                var seen = Set<String>()
                let refills = missed.filter { seen.insert($0).inserted }
                if !refills.isEmpty {
                    let writes = refills.map { key in
                        RESPCommand(
                            "SET", key, value(bytes: Int.random(in: configuration.valueBytes, using: &generator)), "EX",
                            String(Int.random(in: configuration.ttlSeconds, using: &generator)))
                    }
                    _ = try await connection.pipeline(writes)
                    totals.writes += writes.count
                }
            } catch {
                // The server is away (restarting, or the demo is stopping): the backoff paces retries.
            }
            next += tick
            if next < clock.now { next = clock.now }
            do { try await clock.sleep(until: next) } catch { break }
        }
        await connection.close()
        return totals
    }

    private func key(rank: Int) -> String {
        switch rank % 10 {
        case 0..<6: return "product:\(rank)"
        case 6..<9: return "user:\(rank):profile"
        default: return "session:" + String(UInt64(rank) &* 0x9E37_79B9_7F4A_7C15, radix: 16)
        }
    }

    private func value(bytes: Int) -> String {
        String(repeating: "x", count: max(1, bytes))
    }
}
