import Dashboard
import Foundation
import Metrics
import Telemetry
import Testing

@Suite("Several nodes in the dashboard")
struct NodeNavigationTests {
    static func state() -> DashboardState {
        var store = MetricStore()
        for (index, node) in ["b:6379", "a:6379", "c:6379"].enumerated() {
            let info = InfoSnapshot(sections: [
                "replication": ["role": index == 2 ? "slave" : "master"], "stats": ["total_commands_processed": "1"],
            ])
            store.ingest(
                Sample(
                    node: node, time: Date(timeIntervalSince1970: 0),
                    outcome: .reading(Reading(info: info, slowlog: nil, pingRTT: nil))))
        }
        return DashboardState(store: store, node: "b:6379", interval: 1, now: Date(timeIntervalSince1970: 0))
    }

    @Test("7 lists the nodes, primaries first; Enter opens the selected one in the overview")
    func drillDown() {
        var state = Self.state()
        let keepsRunning = state.handle(.character("7"))
        #expect(keepsRunning)
        #expect(state.view == .nodes)
        let screen = DashboardRenderer.render(state, width: 120, height: 30).text
        let lines = screen.split(separator: "\n").filter { $0.contains(" primary ") || $0.contains(" replica ") }
        let a = lines.firstIndex { $0.contains("a:6379") }
        let b = lines.firstIndex { $0.contains("b:6379") }
        let c = lines.firstIndex { $0.contains("c:6379") }
        #expect(a != nil && b != nil && c != nil)
        #expect(a! < b! && b! < c!)
        #expect(screen.contains("▸ b:6379"))
        #expect(screen.contains("all primaries (2)"))
        _ = state.handle(.down)
        _ = state.handle(.down)
        _ = state.handle(.enter)
        #expect(state.node == "c:6379")
        #expect(state.view == .overview)
    }

    @Test("Tab and ] step to the next node, [ to the previous, wrapping around")
    func cycling() {
        var state = Self.state()
        _ = state.handle(.tab)
        #expect(state.node == "a:6379")
        _ = state.handle(.character("]"))
        #expect(state.node == "c:6379")
        _ = state.handle(.character("]"))
        #expect(state.node == "b:6379")
        _ = state.handle(.character("["))
        #expect(state.node == "c:6379")
    }
}
