import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry
import TestSupport
import Testing

/// The store fed by the poller from a real server, with injected sample times.
@Suite("Rates from a real server")
struct LiveRatesTests {
    @Test("1,000 hits and 500 misses between two polls give an interval hit ratio of 0.667")
    func intervalHitRatio() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<100).map { RESPCommand("SET", "k:\($0)", "v") })
            let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint))
            var store = MetricStore()
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            store.ingest(await poller.poll(at: t0))
            let lookups =
                (0..<1000).map { RESPCommand("GET", "k:\($0 % 100)") }
                + (0..<500).map { RESPCommand("GET", "none:\($0)") }
            _ = try await admin.pipeline(lookups)
            store.ingest(await poller.poll(at: t0.addingTimeInterval(1)))
            let node = try #require(store[server.endpoint.description])
            let ratio = try #require(node.latest(.hitRatio))
            #expect(abs(ratio - 0.667) <= 0.01)
            #expect(node.latest(.hitsPerSec) == 1000)
            #expect(node.latest(.missesPerSec) == 500)
            // Our own PING/INFO/SLOWLOG are left out: exactly the 1,500 GETs.
            #expect(node.latest(.opsPerSec) == 1500)
            await admin.close()
        }
    }

    @Test("a restart between polls: a gap, no negative rate, polling resumes by itself")
    func restartBetweenPolls() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<300).map { RESPCommand("GET", "missing:\($0)") })
            await admin.close()
            let managed = ManagedConnection(
                endpoint: server.endpoint,
                backoff: ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(200)))
            let poller = Poller(connection: managed)
            var store = MetricStore()
            var time = Date(timeIntervalSince1970: 1_800_000_000)
            func tick() async {
                store.ingest(await poller.poll(at: time))
                time.addTimeInterval(1)
            }
            await tick()
            await tick()
            await server.stop()
            await tick()  // fails: a gap
            try await server.start()
            let resumed = try await eventually {
                await tick()
                return store[server.endpoint.description]?.isUp == true
            }
            #expect(resumed, "polling did not resume after the restart")
            await tick()
            let node = try #require(store[server.endpoint.description])
            let up = node.values(.up)
            #expect(up.first == 1 && up.last == 1)
            #expect(up.contains(0), "the failed poll must be recorded as down")
            let downIndex = try #require(up.firstIndex(of: 0))
            #expect(node.values(.opsPerSec)[downIndex] == nil)
            #expect(node.values(.usedMemoryBytes)[downIndex] == nil)
            for name in node.seriesKeys where name.name.hasSuffix("_per_sec") {
                #expect(node.values(name).allSatisfy { ($0 ?? 0) >= 0 }, "\(name) went negative")
            }
            // The first poll after the restart has no rate (the counters started again)…
            let backIndex = try #require(up.lastIndex(of: 0)) + 1
            #expect(node.values(.missesPerSec)[backIndex] == nil)
            // …and the next one has.
            #expect(node.values(.missesPerSec).last.flatMap { $0 } != nil)
            #expect(await managed.connectCount == 2)
        }
    }
}
