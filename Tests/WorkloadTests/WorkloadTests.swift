import RESP
import RedisClient
import TestSupport
import Testing
import Workload

@Suite("Workload")
struct WorkloadTests {
    @Test("Zipf ranks: the first is the most popular, shares follow 1/k")
    func zipf() {
        let sampler = ZipfSampler(count: 1000, exponent: 1.0)
        var generator = SplitMix64(seed: 7)
        var counts = [Int](repeating: 0, count: 1000)
        for _ in 0..<200_000 { counts[sampler.next(using: &generator)] += 1 }
        let harmonic = (1...1000).reduce(0.0) { $0 + 1 / Double($1) }
        let share0 = Double(counts[0]) / 200_000
        #expect(abs(share0 - 1 / harmonic) < 0.01, "rank 0 share \(share0)")
        #expect(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99])
        #expect(abs(Double(counts[0]) / Double(counts[1]) - 2) < 0.15)
    }

    @Test("cache-aside traffic: misses are filled with namespaced keys that carry a TTL")
    func cacheAside() async throws {
        let server = try await RedisServer()
        let workload = CacheAsideWorkload(
            endpoint: server.endpoint,
            configuration: WorkloadConfiguration(readsPerSecond: 2000, keyCount: 500, ttlSeconds: 30...60))
        let totals = await workload.run(ticks: 10)
        #expect(totals.reads == 1000)
        #expect(totals.misses > 0 && totals.misses < totals.reads)
        #expect(totals.writes > 0 && totals.writes <= totals.misses)
        let admin = try await server.client()
        let info = InfoSnapshot(text: try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? "")
        #expect(info.hits + info.misses == 1000)
        #expect(info.misses == totals.misses)
        let keys = try await admin.send(RESPCommand("KEYS", "*")).elements?.compactMap(\.stringValue) ?? []
        #expect(keys.count == totals.writes)
        #expect(keys.contains { $0.hasPrefix("product:") })
        #expect(keys.contains { $0.hasPrefix("user:") && $0.hasSuffix(":profile") })
        let ttl = try await admin.send(RESPCommand("TTL", keys[0])).intValue ?? -1
        #expect((1...60).contains(ttl))
        await admin.close()
        await server.stop()
    }
}

/// Just the two counters this test needs, without depending on the Telemetry target.
private struct InfoSnapshot {
    let hits: Int
    let misses: Int
    init(text: String) {
        func field(_ name: String) -> Int {
            text.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.dropFirst(name.count + 1)) } ?? -1
        }
        hits = field("keyspace_hits")
        misses = field("keyspace_misses")
    }
}
