import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@Suite("Several nodes: cluster shares, aggregates, promotion, replicas")
struct FleetMetricsTests {
    @Test("each primary against the mean of the others: keys, memory, ops; replicas left out")
    func clusterShares() {
        var store = MetricStore()
        // a: 3,000 ops/s, 3,000 keys, 3 GB; b and c: 1,000 ops/s, 1,000 keys, 1 GB; r: a replica.
        let load: [(String, String, Int64, Int64)] = [
            ("a", "master", 3000, 3000), ("b", "master", 1000, 1000), ("c", "master", 1000, 1000),
            ("r", "slave", 5000, 3000),
        ]
        for tick in 0..<3 {
            for (node, role, rate, keys) in load {
                let total = rate * Int64(tick)
                store.ingest(
                    NodeReading.sample(
                        node, Double(tick),
                        NodeReading.make(
                            role: role, commands: total, hits: total, misses: 0, used: keys * 1_000_000, keys: keys)))
            }
        }
        #expect(store.clusterPrimaries == ["a", "b", "c"])
        #expect(store["a"]?.latest(.opsVsOtherPrimaries) == 3)
        #expect(store["a"]?.latest(.keysVsOtherPrimaries) == 3)
        #expect(store["a"]?.latest(.memoryVsOtherPrimaries) == 3)
        #expect(store["b"]?.latest(.opsVsOtherPrimaries) == 0.5)  // 1,000 over (3,000 + 1,000) / 2
        #expect(store["r"]?.latest(.opsVsOtherPrimaries) == nil)
        #expect(store["a"]?.latest(.rolePrimary) == 1)
        #expect(store["r"]?.latest(.rolePrimary) == 0)
    }

    @Test("beside idle primaries the mean is taken as at least 100 ops/s, 1,000 keys, 64 MiB: 3×, not 3,000×")
    func idlePeers() {
        var store = MetricStore()
        // a: 300 ops/s, 3,000 keys, 192 MiB; b and c: 0.1 ops/s, 10 keys, 1 MiB.
        for tick in 0..<3 {
            for (node, rate, keys, used) in [("a", 300.0, 3000, 192), ("b", 0.1, 10, 1), ("c", 0.1, 10, 1)] {
                let total = Int64(rate * Double(tick * 10))
                store.ingest(
                    NodeReading.sample(
                        node, Double(tick * 10),
                        NodeReading.make(
                            role: "master", commands: total, hits: total, misses: 0, used: Int64(used) * 1_048_576,
                            keys: Int64(keys))))
            }
        }
        #expect(store["a"]?.latest(.opsVsOtherPrimaries) == 3)
        #expect(store["a"]?.latest(.keysVsOtherPrimaries) == 3)
        #expect(store["a"]?.latest(.memoryVsOtherPrimaries) == 3)
        #expect(store["b"]?.latest(.opsVsOtherPrimaries).map { $0 < 0.01 } == true)
    }

    @Test("aggregates: sums of the primaries' rates, the hit ratio of the sums, the highest memory ratio")
    func aggregate() {
        var store = MetricStore()
        for tick in 0..<2 {
            let t = Int64(tick)
            // a: 900 hits + 100 misses per second; b: 100 hits + 900 misses; r (replica): ignored.
            store.ingest(
                NodeReading.sample(
                    "a", Double(tick),
                    NodeReading.make(
                        role: "master", cluster: false, commands: 1000 * t, hits: 900 * t, misses: 100 * t,
                        used: 50, maxmemory: 100, keys: 10)))
            store.ingest(
                NodeReading.sample(
                    "b", Double(tick),
                    NodeReading.make(
                        role: "master", cluster: false, commands: 1000 * t, hits: 100 * t, misses: 900 * t,
                        used: 90, maxmemory: 100, keys: 20)))
            store.ingest(
                NodeReading.sample(
                    "r", Double(tick),
                    NodeReading.make(
                        role: "slave", cluster: false, commands: 7000 * t, hits: 7000 * t, misses: 0, used: 99,
                        maxmemory: 100, keys: 10)))
        }
        let total = FleetAggregate(store: store)
        #expect(total.nodes == ["a", "b"])
        #expect(total.opsPerSec == 2000)
        #expect(total.hitRatio == 0.5)  // (900 + 100) / 2,000, not a mean of 0.9 and 0.1 weighted otherwise
        #expect(total.maxMemoryRatio == 0.9)
        #expect(total.keys == 30)
        #expect(total.usedMemoryBytes == 140)
        // Not a cluster: no shares.
        #expect(store["a"]?.latest(.opsVsOtherPrimaries) == nil)
    }

    @Test("a replica that becomes a primary reports seconds since its promotion, for ten minutes")
    func promotion() {
        var store = MetricStore()
        let replica = NodeReading.make(role: "slave", commands: 0, hits: 0, misses: 0, used: 1, keys: 1)
        let primary = NodeReading.make(role: "master", commands: 0, hits: 0, misses: 0, used: 1, keys: 1)
        store.ingest(NodeReading.sample("n", 0, replica))
        #expect(store["n"]?.latest(.secondsSincePromotion) == nil)
        store.ingest(NodeReading.sample("n", 10, primary))
        #expect(store["n"]?.latest(.secondsSincePromotion) == 0)
        store.ingest(NodeReading.sample("n", 70, primary))
        #expect(store["n"]?.latest(.secondsSincePromotion) == 60)
        store.ingest(NodeReading.sample("n", 700, primary))
        #expect(store["n"]?.latest(.secondsSincePromotion) == nil)
        // A node that starts as a primary was never promoted.
        store.ingest(NodeReading.sample("m", 0, primary))
        #expect(store["m"]?.latest(.secondsSincePromotion) == nil)
    }

    @Test("a primary reports each replica's lag in bytes, its acknowledgement age and whether it is online")
    func replicaLinks() {
        var store = MetricStore()
        let reading = NodeReading.make(
            role: "master", cluster: false, commands: 0, hits: 0, misses: 0, used: 1, keys: 1,
            replicas: [("10.0.0.2", 6380, "online", 9_000), ("10.0.0.3", 6380, "wait_bgsave", 0)], offset: 10_000)
        store.ingest(NodeReading.sample("p", 0, reading))
        let node = store["p"]
        #expect(node?.instances(.replicaLagBytes) == ["10.0.0.2:6380": 1000, "10.0.0.3:6380": 10_000])
        #expect(node?.instances(.replicaOnline) == ["10.0.0.2:6380": 1, "10.0.0.3:6380": 0])
        #expect(node?.instances(.replicaAckSeconds)?["10.0.0.2:6380"] == 1)
        #expect(node?.latest(.replicasOnline) == 1)
        #expect(node?.latest(.replicaLagBytesMax) == 10_000)
    }
}
