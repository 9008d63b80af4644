import Foundation
import RESP
import RedisClient

/// Drives cache-aside traffic at a server: read a key; on a miss, "load it from the database"
/// and write it back with a TTL. The key families are those of a shop:
///
/// | family | popularity | value | TTL |
/// |---|---|---|---|
/// | `product:<id>` | Zipf over `keyCount` | 0.2–2 KB | 60–180 s, jittered |
/// | `user:<id>:profile` | Zipf over `userCount` (10,000) | 0.5–1.5 KB | 300–600 s, jittered; `profileDeletesPerSecond` (5) deleted on update |
/// | `session:<token>` | uniform over `sessionCount` (5,000) | 200 B | 1,800 s, no jitter |
/// | `price:<id>` | Zipf over `hotKeys` (3,000), hot | 64 B | all expire together every `stampedePeriod` s, refilled by a herd (or 30–90 s jittered) |
/// | `page:<id>` | Zipf over 8,000 | 12 KB | 600–900 s (working set > 64 MB: evictions) |
///
/// Plus two big keys without TTL (`catalog:all`, a 20,000-field hash read with `HGETALL` every
/// 5 s — a slow command; `report:daily`, a 2 MB string). This is the only writer in the
/// project, on an unrestricted connection of its own.
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
        /// SETs sent after misses.
        public var writes = 0
    }

    /// The big hash's name and field count.
    public static let bigHash = (key: "catalog:all", fields: 20_000)
    /// The big string's name and size.
    public static let bigString = (key: "report:daily", bytes: 2 * 1024 * 1024)

    /// Runs until the task is cancelled or `ticks` batches (of 50 ms each) have been sent;
    /// connection failures are retried with backoff. Returns the totals.
    @discardableResult
    public func run(ticks: Int? = nil) async -> Totals {
        let connection = ManagedConnection(
            endpoint: endpoint,
            configuration: ConnectionConfiguration(clientName: "cachewatch-workload", policy: .unrestricted),
            backoff: ReconnectBackoff(initial: .milliseconds(200), maximum: .seconds(2)))
        var generator = SplitMix64(seed: configuration.seed)
        let families = makeFamilies()
        let totalWeight = families.reduce(0) { $0 + $1.weight }
        let tick = Duration.milliseconds(50)
        let readsPerTick = max(1, configuration.readsPerSecond / 20)
        let clock = ContinuousClock()
        var next = clock.now
        var totals = Totals()
        var sent = 0
        var bigKeysReady = !configuration.bigKeys
        var prewarmed = !configuration.prewarmed
        // Deletions on update owed per family (a fraction carries to the next tick).
        var deletesOwed = [Double](repeating: 0, count: families.count)
        while !Task.isCancelled, ticks.map({ sent < $0 }) ?? true {
            sent += 1
            do {
                if !bigKeysReady { bigKeysReady = try await createBigKeys(connection) }
                if !prewarmed {
                    try await prewarm(families, on: connection, using: &generator)
                    prewarmed = true
                }
                var keys: [(key: String, family: Int)] = []
                for _ in 0..<readsPerTick {
                    var pick = Int.random(in: 0..<totalWeight, using: &generator)
                    var index = 0
                    while pick >= families[index].weight {
                        pick -= families[index].weight
                        index += 1
                    }
                    keys.append((families[index].name(families[index].sampler.next(using: &generator)), index))
                }
                var commands = keys.map { RESPCommand("GET", $0.key) }
                let readsBigHash = configuration.bigKeys && sent % 100 == 1  // every 5 s
                if readsBigHash { commands.append(RESPCommand("HGETALL", Self.bigHash.key)) }
                for (index, family) in families.enumerated() where family.deletesPerSecond > 0 {
                    deletesOwed[index] += family.deletesPerSecond * tick.secondsDouble
                    while deletesOwed[index] >= 1 {
                        deletesOwed[index] -= 1
                        commands.append(RESPCommand("DEL", family.name(family.sampler.next(using: &generator))))
                    }
                }
                let replies = try await connection.pipeline(commands, timeout: .seconds(5))
                totals.reads += keys.count
                var refilled = Set<String>()
                var writes: [RESPCommand] = []
                let now = Date()
                for (item, reply) in zip(keys, replies) where reply.value.isNull {
                    totals.misses += 1
                    let family = families[item.family]
                    if family.singleFlight && !refilled.insert(item.key).inserted { continue }
                    let size = Int.random(in: family.valueBytes, using: &generator)
                    writes.append(
                        RESPCommand(
                            ["SET", item.key, String(repeating: "v", count: size)]
                                + family.expiryArguments(now: now, using: &generator)))
                }
                if !writes.isEmpty {
                    _ = try await connection.pipeline(writes, timeout: .seconds(5))
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

    private func makeFamilies() -> [KeyFamily] {
        let count = configuration.keyCount
        let exponent = configuration.zipfExponent
        var families = [
            KeyFamily(
                weight: 40, sampler: ZipfSampler(count: count, exponent: exponent), valueBytes: 200...2000,
                ttl: .jittered(60...180), singleFlight: true, name: { "product:\($0)" }),
            KeyFamily(
                weight: 15, sampler: ZipfSampler(count: configuration.userCount, exponent: exponent),
                valueBytes: 500...1500,
                ttl: .jittered(300...600), singleFlight: true,
                deletesPerSecond: configuration.profileDeletesPerSecond, name: { "user:\($0):profile" }),
            KeyFamily(
                weight: 5, sampler: ZipfSampler(count: configuration.sessionCount, exponent: 0), valueBytes: 200...200,
                ttl: .fixed(1800), singleFlight: true,
                name: { "session:" + String(UInt64($0) &* 0x9E37_79B9_7F4A_7C15, radix: 16) }),
            KeyFamily(
                weight: configuration.hotWeight, sampler: ZipfSampler(count: configuration.hotKeys, exponent: 0.8),
                valueBytes: 64...64,
                ttl: configuration.synchronizedExpiry
                    ? .synchronized(period: configuration.stampedePeriod) : .jittered(30...90),
                singleFlight: !configuration.synchronizedExpiry, name: { "price:\($0)" }),
        ]
        if configuration.memoryPressure {
            families.append(
                KeyFamily(
                    weight: 10, sampler: ZipfSampler(count: 8000, exponent: 0.6), valueBytes: 12_288...12_288,
                    ttl: .jittered(600...900), singleFlight: true, name: { "page:\($0)" }))
        }
        return families
    }

    /// Writes every key of `families` but pages once, 1,000 to a pipeline, as their misses would.
    private func prewarm(
        _ families: [KeyFamily], on connection: ManagedConnection, using generator: inout SplitMix64
    ) async throws {
        var writes: [RESPCommand] = []
        let now = Date()
        // Not the 12 KB pages: they are the memory pressure, left to build up.
        for family in families where family.valueBytes.upperBound <= 4096 {
            for rank in 0..<family.sampler.count {
                let size = Int.random(in: family.valueBytes, using: &generator)
                writes.append(
                    RESPCommand(
                        ["SET", family.name(rank), String(repeating: "v", count: size)]
                            + family.expiryArguments(now: now, using: &generator)))
                if writes.count == 1000 {
                    _ = try await connection.pipeline(writes, timeout: .seconds(5))
                    writes.removeAll(keepingCapacity: true)
                }
            }
        }
        if !writes.isEmpty { _ = try await connection.pipeline(writes, timeout: .seconds(5)) }
    }

    /// Writes the big keys once; returns whether they exist now.
    private func createBigKeys(_ connection: ManagedConnection) async throws -> Bool {
        var commands: [RESPCommand] = [RESPCommand("DEL", Self.bigHash.key)]
        let chunk = 1000
        for start in stride(from: 0, to: Self.bigHash.fields, by: chunk) {
            var arguments = ["HSET", Self.bigHash.key]
            for field in start..<min(Self.bigHash.fields, start + chunk) {
                arguments += ["item:\(field)", "{\"sku\":\(field),\"stock\":\(field % 97)}"]
            }
            commands.append(RESPCommand(arguments))
        }
        commands.append(RESPCommand("SET", Self.bigString.key, String(repeating: "r", count: Self.bigString.bytes)))
        let replies = try await connection.pipeline(commands, timeout: .seconds(10))
        return replies.allSatisfy { $0.value.errorMessage == nil }
    }
}
