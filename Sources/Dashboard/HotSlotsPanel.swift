import Foundation
import Metrics
import Telemetry

/// The nodes view's "Hot slots" panel, on a cluster whose servers have `CLUSTER SLOT-STATS`
/// (Redis 8.2+, Valkey 8.0+): every node's hottest hash slots by command time, then network
/// bytes, then keys, with the namespaces that live in them.
enum HotSlotsPanel {
    struct Row {
        let node: String
        let slot: SlotActivity.Slot
        let namespaces: String
    }

    /// The rows across nodes, hottest first; empty when no node reports slot stats.
    static func rows(_ state: DashboardState) -> [Row] {
        var rows: [Row] = []
        for name in state.store.nodeNames {
            guard let node = state.store[name], let ranking = node.hotSlots else { continue }
            for slot in ranking.slots {
                let namespaces =
                    node.namespaces(inSlot: slot.slot).map { list in
                        list.isEmpty ? "(empty)" : list.map { "\($0.namespace) \($0.keys)" }.joined(separator: ", ")
                    } ?? "-"
                rows.append(Row(node: name, slot: slot, namespaces: namespaces))
            }
        }
        if !state.filter.isEmpty {
            rows = rows.filter { ($0.node + " " + $0.namespaces).localizedCaseInsensitiveContains(state.filter) }
        }
        return rows.sorted { left, right in
            let l = (left.slot.cpuMicrosecondsPerSecond ?? -1, left.slot.networkBytesPerSecond ?? -1, left.slot.keys)
            let r = (right.slot.cpuMicrosecondsPerSecond ?? -1, right.slot.networkBytesPerSecond ?? -1, right.slot.keys)
            return l != r ? l > r : (left.node, left.slot.slot) < (right.node, right.slot.slot)
        }
    }

    /// Whether any node reports slot stats.
    static func isShown(_ state: DashboardState) -> Bool {
        state.store.nodeNames.contains { state.store[$0]?.hotSlots != nil }
    }

    static func draw(_ state: DashboardState, rect: Rect, screen: inout Screen, theme: Theme) {
        let rows = rows(state)
        let rankings = state.store.nodeNames.compactMap { state.store[$0]?.hotSlots }
        var note = "CLUSTER SLOT-STATS · command time in % of a core"
        if !rankings.contains(where: \.keepsTraffic) {
            note = "CLUSTER SLOT-STATS · keys only: cluster-slot-stats-enabled is no"
        }
        if rankings.contains(where: { !$0.isComplete }) { note += " · first pass" }
        let inner = Panel(title: "Hot slots", note: note).draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        Table(
            columns: [
                Table.Column("slot", width: 5, alignRight: true), Table.Column("node", width: 21),
                Table.Column("cpu%", width: 6, alignRight: true), Table.Column("shr%", width: 5, alignRight: true),
                Table.Column("net/s", width: 7, alignRight: true), Table.Column("keys", width: 7, alignRight: true),
                Table.Column("namespaces"),
            ],
            rows: rows.map { row in
                [
                    String(row.slot.slot), row.node,
                    ValueFormatting.fixed(row.slot.cpuMicrosecondsPerSecond.map { $0 / 10_000 }, decimals: 2),
                    ValueFormatting.percent(row.slot.cpuShare),
                    ValueFormatting.bytes(row.slot.networkBytesPerSecond), ValueFormatting.count(Double(row.slot.keys)),
                    row.namespaces,
                ]
            },
            emptyText: state.filter.isEmpty ? "no slot measured yet" : "no slot matches '\(state.filter)'"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
