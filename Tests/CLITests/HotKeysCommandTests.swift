import Foundation
import RESP
import TestSupport
import Testing
import Workload

@Suite("Hot keys from OBJECT FREQ")
struct HotKeysCommandTests {
    @Test("under allkeys-lfu with Zipf traffic, scan finds the ten hottest keys")
    func zipf() async throws {
        // At the default lfu-log-factor (10) the counters of ranks 8 to 12 (700 to 1,000 reads)
        // are 16 to 19, within the counter's own noise: a simulation of Redis's increment gives
        // fewer than eight of the true ten in the first ten 1 % of the time, and CI met it once.
        // Factor 1 makes the counter fine enough to rank them (1,000 simulated runs: never).
        try await withRedisServer(["--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "1"]) { server in
            let client = try await server.client()
            defer { client.closeSoon() }
            let keys = 2000
            _ = try await client.pipeline((0..<keys).map { RESPCommand("SET", "item:\($0)", "v") })
            // Zipf reads, counted: the truth.
            let sampler = ZipfSampler(count: keys, exponent: 1.2)
            var generator = SplitMix64(seed: 7)
            var reads = [Int](repeating: 0, count: keys)
            for _ in 0..<60 {
                let batch = (0..<1000).map { _ in sampler.next(using: &generator) }
                for index in batch { reads[index] += 1 }
                _ = try await client.pipeline(batch.map { RESPCommand("GET", "item:\($0)") })
            }
            let truth = reads.indices.sorted { reads[$0] > reads[$1] }.prefix(10).map { "item:\($0)" }
            let result = try await CachewatchBinary.run(["scan", "-p", String(server.port), "--full", "--json"])
            #expect(result.code == 0, "\(result.stderr)")
            let json = try #require(jsonObjects(result.stdout).first)
            let hottest = (json["hottest"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            #expect(hottest.count == 20, "\(hottest)")
            // The LFU counter is logarithmic (ranks 10 and 11 still differ by two or three counts):
            // the true ten are all listed, and nearly all of them in the first ten.
            #expect(Set(truth).isSubset(of: Set(hottest)), "truth \(truth), found \(hottest)")
            #expect(Set(truth).intersection(hottest.prefix(10)).count >= 8, "truth \(truth), found \(hottest)")
            #expect(hottest.first == truth.first)
        }
    }
}
