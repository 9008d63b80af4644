import Foundation
import Metrics
import Telemetry
import Testing

/// The store's fast paths: metrics keyed by their case, the newest values kept in one table,
/// nodes kept in an array indexed by name. Each must answer exactly what the plain layout did.
@Suite("Metric store layout")
struct MetricStoreLayoutTests {
    @Test("a metric's ordinal is its place in the vocabulary; metrics hash and compare as cases")
    func ordinals() {
        for (index, metric) in Metric.allCases.enumerated() { #expect(metric.ordinal == index, "\(metric)") }
        #expect(Set(Metric.allCases).count == Metric.allCases.count)
        let byMetric = Dictionary(uniqueKeysWithValues: Metric.allCases.map { ($0, $0.name) })
        #expect(Metric.allCases.allSatisfy { byMetric[$0] == $0.name })
        #expect(Metric.hitRatio == Metric(name: "hit_ratio"))
        #expect(Metric.hitRatio != Metric.hitRatioLifetime)
        #expect(SeriesKey.metric(.hitRatio) != SeriesKey.metric(.hitsPerSec))
    }

    @Test("latest answers each series' newest tick: gaps, failed polls and series that start late")
    func latestMatchesSeries() throws {
        var store = MetricStore(capacity: 4)
        store.ingest(InfoFixture.sample(0, InfoFixture.reading(commands: 3, hits: 0)))
        #expect(store["n1"]?.latest(.opsPerSec) == nil)  // no rate on the first tick
        store.ingest(InfoFixture.sample(1, InfoFixture.reading(commands: 106, hits: 50, misses: 50, maxmemory: 4000)))
        store.ingest(InfoFixture.failure(2))
        var node = try #require(store["n1"])
        for metric in Metric.allCases {
            #expect(node.latest(metric) == node.values(metric).last ?? nil, "\(metric) after a failed poll")
        }
        #expect(node.latest(.up) == 0 && node.latest(.usedMemoryBytes) == nil)
        // Past the capacity: the table follows the ring buffers as they wrap.
        for second in 3..<9 {
            store.ingest(
                InfoFixture.sample(
                    Double(second),
                    InfoFixture.reading(commands: Int64(second) * 100, hits: Int64(second) * 10, maxmemory: 4000)))
        }
        node = try #require(store["n1"])
        for metric in Metric.allCases {
            #expect(node.latest(metric) == node.values(metric).last ?? nil, "\(metric) once the buffers wrapped")
            #expect(node.latest(.metric(metric)) == node.latest(metric))
        }
        #expect(node.latest(.memoryUsedRatio) == 0.25)
        #expect(node.latest(.opsPerSec) == 97)
    }

    @Test("removing a node keeps the others in order and each reachable by its name")
    func removal() throws {
        var store = MetricStore(capacity: 4)
        for (index, name) in ["a", "b", "c", "d"].enumerated() {
            store.ingest(InfoFixture.sample(0, InfoFixture.reading(used: Int64(index + 1) * 1000), node: name))
        }
        store.remove(node: "b")
        store.remove(node: "nope")
        #expect(store.nodeNames == ["a", "c", "d"])
        #expect(store.nodes.map(\.node) == ["a", "c", "d"])
        #expect(store["b"] == nil)
        #expect(store["c"]?.latest(.usedMemoryBytes) == 3000)
        #expect(store["d"]?.latest(.usedMemoryBytes) == 4000)
        // Writes after the removal reach the right node.
        store.ingest(InfoFixture.sample(1, InfoFixture.reading(used: 9000), node: "d"))
        store.setInstances(node: "c", .namespaceKeys, ["session:*": 12])
        #expect(store["d"]?.latest(.usedMemoryBytes) == 9000 && store["d"]?.count == 2)
        #expect(store["c"]?.instances(.namespaceKeys) == ["session:*": 12] && store["c"]?.count == 1)
        // A node that comes back is added at the end.
        store.ingest(InfoFixture.sample(2, InfoFixture.reading(), node: "b"))
        #expect(store.nodeNames == ["a", "c", "d", "b"] && store["b"]?.count == 1)
    }
}

@Suite("Evictions between two times")
struct EvictionWindowTests {
    @Test("a poll with evictions after the key was last seen says evicted; one long after, or none, does not")
    func window() throws {
        var store = MetricStore(capacity: 20)
        // Evictions in the interval ending at t=2 only.
        for (second, evicted) in [(0, 0), (1, 0), (2, 50), (3, 50), (4, 50)] {
            store.ingest(InfoFixture.sample(Double(second), InfoFixture.reading(evicted: Int64(evicted))))
        }
        let node = try #require(store["n1"])
        func at(_ second: Double) -> Date { Date(timeIntervalSince1970: second) }
        #expect(node.evicted(between: at(1.5), and: at(1.8)))
        #expect(!node.evicted(between: at(2.5), and: at(3.5)), "no eviction after 2.5 s")
        // Evictions more than 10 s after the key was found gone tell nothing of it.
        #expect(!node.evicted(between: at(-20), and: at(-9)))
    }

    @Test("before the poll covering the key's end is in, the newest rate decides")
    func pollNotInYet() throws {
        var store = MetricStore(capacity: 20)
        store.ingest(InfoFixture.sample(0, InfoFixture.reading(evicted: 0)))
        store.ingest(InfoFixture.sample(1, InfoFixture.reading(evicted: 20)))
        var node = try #require(store["n1"])
        // Last seen at 1.2, gone at 1.4, processed before the poll at 1.5: the node is evicting.
        #expect(node.evicted(between: Date(timeIntervalSince1970: 1.2), and: Date(timeIntervalSince1970: 1.4)))
        store.ingest(InfoFixture.sample(2, InfoFixture.reading(evicted: 20)))
        node = try #require(store["n1"])
        // Not evicting any more: the same gap is now covered by a poll without evictions.
        #expect(!node.evicted(between: Date(timeIntervalSince1970: 1.2), and: Date(timeIntervalSince1970: 1.4)))
        #expect(!node.evicted(between: Date(timeIntervalSince1970: 2.2), and: Date(timeIntervalSince1970: 2.4)))
    }
}
