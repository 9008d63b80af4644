import Foundation
import Metrics
import Telemetry
import Testing

@Suite("The trend of evictions + misses per namespace")
struct NamespaceEventTrendTests {
    private func tally(_ counts: [String: [KeyEventKind: Int]], complete: Bool = true) -> KeyEventCounter.Tally {
        KeyEventCounter.Tally(
            counts: counts, since: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 2),
            isComplete: complete)
    }

    @Test("one point per tally for every namespace, aligned, bounded, quiet namespaces dropped")
    func points() {
        var trend = NamespaceEventTrend()
        trend.add(tally(["session:*": [.evicted: 10, .keymiss: 4], "price:*": [.expired: 100]]))
        #expect(trend.series == ["session:*": [7]])  // (10 + 4) / 2 s; expirations are not trouble
        trend.add(tally(["product:*": [.keymiss: 2]]))
        #expect(trend.series == ["session:*": [7, 0], "product:*": [0, 1]])
        trend.add(tally([:], complete: false))
        #expect(trend.series == ["session:*": [7, 0, 0], "product:*": [0, 1, 0]])
        for _ in 0..<NamespaceEventTrend.points { trend.add(tally(["product:*": [.evicted: 6]])) }
        #expect(trend.series["session:*"] == nil, "no eviction or miss in the whole window")
        #expect(trend.series["product:*"] == Array(repeating: 3, count: NamespaceEventTrend.points))
    }
}
