import RESP
import RedisClient
import TestSupport
import Testing
import Workload

@Suite("Workload", .sameOnEveryServer)
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

    @Test("cache-aside traffic: misses are refilled in namespaced families with their TTL policies")
    func cacheAside() async throws {
        try await withRedisServer { server in
            let workload = CacheAsideWorkload(
                endpoint: server.endpoint,
                configuration: WorkloadConfiguration(readsPerSecond: 4000, keyCount: 500, stampedePeriod: 30))
            let totals = await workload.run(ticks: 10)
            #expect(totals.reads == 2000)
            #expect(totals.misses > 0 && totals.misses < totals.reads)
            #expect(totals.writes > 0 && totals.writes <= totals.misses)
            let admin = try await server.client()
            let info = InfoSnapshot(text: try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? "")
            #expect(info.misses == totals.misses)
            let keys = try await admin.send(RESPCommand("KEYS", "*")).elements?.compactMap(\.stringValue) ?? []
            for prefix in ["product:", "user:", "session:", "price:", "page:"] {
                #expect(keys.contains { $0.hasPrefix(prefix) }, "no \(prefix) keys")
            }
            // Prices all expire in the same second: the next multiple of the stampede period
            // (PEXPIRETIME is Redis 7+; 6.2 gets PTTL, which all fall in one 30 s period too).
            let prices = keys.filter { $0.hasPrefix("price:") }
            #expect(!prices.isEmpty)
            if ServerBinary.majorVersion >= 7 {
                let expiries = try await admin.pipeline(prices.map { RESPCommand("PEXPIRETIME", $0) }).compactMap {
                    $0.value.intValue
                }
                #expect(Set(expiries.map { $0 / 1000 }).count == 1, "price keys expire at \(Set(expiries))")
                #expect(expiries.allSatisfy { $0 % 30_000 == 0 })
            } else {
                let ttls = try await admin.pipeline(prices.map { RESPCommand("PTTL", $0) }).compactMap {
                    $0.value.intValue
                }
                #expect(ttls.count == prices.count && ttls.allSatisfy { (0...30_000).contains($0) })
                #expect(
                    (ttls.max() ?? 0) - (ttls.min() ?? 0) < 1_500, "price TTLs \(ttls.min() ?? 0)…\(ttls.max() ?? 0)")
            }
            // Sessions carry a fixed TTL, products a jittered one.
            let sessionTTLs = try await admin.pipeline(
                keys.filter { $0.hasPrefix("session:") }.map { RESPCommand("TTL", $0) })
            #expect(sessionTTLs.allSatisfy { (1790...1800).contains($0.value.intValue ?? 0) })
            let productTTLs = try await admin.pipeline(
                keys.filter { $0.hasPrefix("product:") }.map { RESPCommand("TTL", $0) }
            )
            .compactMap { $0.value.intValue }
            #expect(Set(productTTLs).count > 10 && productTTLs.allSatisfy { (1...180).contains($0) })
            // The big keys exist, without TTL, and the big hash was read.
            #expect(try await admin.send(RESPCommand("HLEN", "catalog:all")) == .integer(20_000))
            #expect(try await admin.send(RESPCommand("STRLEN", "report:daily")) == .integer(2 * 1024 * 1024))
            #expect(try await admin.send(RESPCommand("TTL", "catalog:all")) == .integer(-1))
            let commandStats = try await admin.send(RESPCommand("INFO", "commandstats")).stringValue ?? ""
            #expect(commandStats.contains("cmdstat_hgetall:calls=1,"))
            await admin.close()
        }
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
