import Dashboard
import Foundation
import Metrics
import Telemetry
import Testing

@Suite("The nodes view's hot slots")
struct HotSlotsPanelTests {
    /// Two primaries whose polls carried slot stats; the first's slot 3273 is hot and its keys
    /// were looked up (`price:42` and three `user:` keys).
    static func state(keepsTraffic: Bool = true) -> DashboardState {
        var store = MetricStore()
        let info = InfoSnapshot(sections: [
            "replication": ["role": "master"], "stats": ["total_commands_processed": "1"],
        ])
        func slot(_ number: Int, keys: Int64, cpu: Double?, share: Double?) -> SlotActivity.Slot {
            SlotActivity.Slot(
                slot: number, keys: keys, cpuMicrosecondsPerSecond: keepsTraffic ? cpu : nil,
                networkBytesInPerSecond: keepsTraffic ? cpu.map { $0 * 10 } : nil,
                networkBytesOutPerSecond: keepsTraffic ? 0 : nil, cpuShare: keepsTraffic ? share : nil)
        }
        let rankings = [
            "a:6379": [slot(3273, keys: 4, cpu: 300_000, share: 0.96), slot(17, keys: 90, cpu: 12_000, share: 0.04)],
            "b:6379": [slot(9000, keys: 61, cpu: 5_000, share: 1)],
        ]
        for (node, slots) in rankings {
            var reading = Reading(info: info, slowlog: nil, pingRTT: nil)
            reading.hotSlots = SlotActivity.Ranking(
                slots: slots,
                cpuMicrosecondsPerSecond: keepsTraffic
                    ? slots.compactMap(\.cpuMicrosecondsPerSecond).reduce(0, +) : nil,
                keepsTraffic: keepsTraffic, ownedSlots: 8192, isComplete: true)
            if node == "a:6379" {
                reading.slotKeys = [3273: ["price:42", "user:1001", "user:1002", "user:1003"].map { Array($0.utf8) }]
            }
            store.ingest(Sample(node: node, time: Date(timeIntervalSince1970: 0), outcome: .reading(reading)))
        }
        var state = DashboardState(store: store, node: "a:6379", interval: 1, now: Date(timeIntervalSince1970: 0))
        _ = state.handle(.character("7"))
        return state
    }

    @Test("slots of every node, hottest first, with the namespaces of the keys looked up; never a key name")
    func ranking() throws {
        let screen = DashboardRenderer.render(Self.state(), width: 120, height: 30).text
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(screen.contains("Hot slots"))
        let hot = try #require(lines.firstIndex { $0.contains(" 3273 ") })
        let next = try #require(lines.firstIndex { $0.contains(" 17 ") })
        let other = try #require(lines.firstIndex { $0.contains(" 9000 ") })
        #expect(hot < next && next < other, "by CPU across nodes")
        #expect(
            lines[hot].contains("30.00") && lines[hot].contains("96.0") && lines[hot].contains("user:* 3, price:* 1"))
        #expect(!screen.contains("price:42") && !screen.contains("user:1001"))
        // The nodes table still lists both nodes above.
        #expect(lines.firstIndex { $0.contains("a:6379") && $0.contains("primary") }.map { $0 < hot } == true)
    }

    @Test("without cluster-slot-stats-enabled: keys only, and the note says why")
    func keysOnly() {
        let screen = DashboardRenderer.render(Self.state(keepsTraffic: false), width: 120, height: 30).text
        #expect(screen.contains("keys only: cluster-slot-stats-enabled is no"))
        #expect(screen.split(separator: "\n").contains { $0.contains(" 17 ") && $0.contains(" 90 ") })
    }

    @Test("at the smallest size, the nodes table and the hottest slot both fit")
    func smallest() {
        let size = DashboardRenderer.minimumSize
        let screen = DashboardRenderer.render(Self.state(), width: size.width, height: size.height).text
        let lines = screen.split(separator: "\n")
        #expect(lines.contains { $0.contains("a:6379") && $0.contains("primary") })
        #expect(lines.contains { $0.contains("b:6379") && $0.contains("primary") })
        #expect(lines.contains { $0.contains(" 3273 ") && $0.contains("user:* 3") })
    }
}
