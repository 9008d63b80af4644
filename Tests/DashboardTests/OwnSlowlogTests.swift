import Dashboard
import Foundation
import Metrics
import Telemetry
import Testing

@Suite("cachewatch's own slow-log entries")
struct OwnSlowlogTests {
    static func state() -> DashboardState {
        var store = MetricStore()
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let entries = [
            SlowlogEntry(
                id: 1, timestamp: time, duration: .microseconds(2_400),
                arguments: [Array("SCAN".utf8), Array("0".utf8)], clientAddress: "127.0.0.1:40000",
                clientName: "cachewatch"),
            SlowlogEntry(
                id: 2, timestamp: time, duration: .microseconds(9_000),
                arguments: [Array("HGETALL".utf8), Array("catalog:big".utf8)], clientAddress: "10.0.4.22:40100",
                clientName: "shop"),
        ]
        let info = InfoSnapshot(sections: ["server": ["run_id": "r"], "stats": ["total_commands_processed": "1"]])
        store.ingest(
            Sample(
                node: "n:6379", time: time,
                outcome: .reading(Reading(info: info, slowlog: SlowlogDelta(entries: entries, missed: 0), pingRTT: nil))))
        return DashboardState(store: store, node: "n:6379", interval: 1, now: time.addingTimeInterval(5))
    }

    @Test("the slow-log view marks cachewatch's entries with * and c hides them")
    func marksAndHides() {
        var state = Self.state()
        _ = state.handle(.character("2"))
        var screen = DashboardRenderer.render(state, width: 120, height: 30).text
        #expect(screen.contains("* SCAN 0"))
        #expect(screen.contains("HGETALL catalog:big"))
        #expect(screen.contains("* = cachewatch (c hides)"))
        _ = state.handle(.character("c"))
        screen = DashboardRenderer.render(state, width: 120, height: 30).text
        #expect(!screen.contains("SCAN 0"))
        #expect(screen.contains("HGETALL catalog:big"))
        #expect(screen.contains("1 of cachewatch hidden (c)"))
        _ = state.handle(.character("c"))
        #expect(DashboardRenderer.render(state, width: 120, height: 30).text.contains("* SCAN 0"))
    }
}
