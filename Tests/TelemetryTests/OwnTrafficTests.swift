import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

@Suite("Own traffic")
struct OwnTrafficTests {
    @Test("the sampler's lookups and commands stay out of hits, misses and ops/s")
    func samplerLeftOut() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<3000).map { RESPCommand("SET", "item:\($0)", "v", "EX", "600") })
            let ownTraffic = OwnTraffic()
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint), ownTraffic: ownTraffic)
            // A second poller that knows nothing of the sampler: what the server itself reports.
            let naive = Poller(connection: ManagedConnection(endpoint: server.endpoint))
            let sampler = KeySampler(
                connection: ManagedConnection(endpoint: server.endpoint),
                configuration: KeySamplerConfiguration(keysPerSecond: nil), ownTraffic: ownTraffic)
            var store = MetricStore()
            var naiveStore = MetricStore()
            store.ingest(await poller.poll())
            naiveStore.ingest(await naive.poll())
            // Real traffic besides the sampler: 100 reads, 60 of them hits.
            _ = try await admin.pipeline((0..<100).map { RESPCommand("GET", "item:\($0 < 60 ? $0 : $0 + 10_000)") })
            var sampled = 0
            var finished = false
            while !finished {
                let batch = try await sampler.nextBatch()
                sampled += batch.keys.count
                finished = batch.finishedPass
            }
            store.ingest(await poller.poll())
            naiveStore.ingest(await naive.poll())
            let node = try #require(store[poller.node])
            let naiveNode = try #require(naiveStore[naive.node])
            #expect(sampled == 3000)
            let elapsed = (node.times.last ?? 0) - (node.times.first ?? 0)
            let hits = (node.latest(.hitsPerSec) ?? -1) * elapsed
            let misses = (node.latest(.missesPerSec) ?? -1) * elapsed
            #expect(abs(hits - 60) < 0.5 && abs(misses - 40) < 0.5, "hits \(hits), misses \(misses)")
            #expect(abs((node.latest(.hitRatio) ?? 0) - 0.6) < 0.001)
            #expect((naiveNode.latest(.hitRatio) ?? 0) > 0.99, "the server counts the sampler's lookups as hits")
            // The lifetime ratio too: the server's counters began with this test, so without our
            // 6,000 lookups it is the application's 60 of 100.
            #expect(
                abs((node.latest(.hitRatioLifetime) ?? 0) - 0.6) < 0.001,
                "lifetime \(node.latest(.hitRatioLifetime) ?? -1)")
            #expect((naiveNode.latest(.hitRatioLifetime) ?? 0) > 0.99)
            // Left: the GET pipeline, the naive poller's poll (3 commands) and the sampler's
            // connection handshake (HELLO, CLIENT SETNAME, PING), which happens before it counts.
            let ops = (node.latest(.opsPerSec) ?? -1) * elapsed
            #expect(ops >= 100 && ops <= 110, "ops \(ops), own \(ownTraffic.current)")
            await admin.close()
        }
    }
}
