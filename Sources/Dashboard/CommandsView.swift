import Foundation
import Metrics
import Telemetry

/// View 3: what the server is busy with, from `INFO commandstats` — calls per second between
/// the last two polls, cost per call, share of server time, and failures.
enum CommandsView {
    struct Row {
        let name: String
        let callsPerSecond: Double?
        let calls: Int64
        let microsecondsPerCall: Double
        let timeShare: Double
        let rejected: Int64
        let failed: Int64
    }

    static func rows(_ node: NodeMetrics) -> [Row] {
        guard let info = node.commandStatsInfo else { return [] }
        var elapsed = 0.0
        if let last = node.commandStatsTime, let previous = node.previousCommandStatsTime {
            elapsed = last.timeIntervalSince(previous)
        }
        let totalMicroseconds = max(1, info.commandStats.values.reduce(0) { $0 + $1.microseconds })
        return info.commandStats.map { name, stat in
            var rate: Double?
            if elapsed > 0, let previous = node.previousCommandStatsInfo {
                // A command absent from the previous INFO had not been called yet.
                let before = previous.commandStats[name]?.calls ?? 0
                if stat.calls >= before { rate = Double(stat.calls - before) / elapsed }
            }
            return Row(
                name: name, callsPerSecond: rate, calls: stat.calls, microsecondsPerCall: stat.microsecondsPerCall,
                timeShare: Double(stat.microseconds) / Double(totalMicroseconds), rejected: stat.rejectedCalls,
                failed: stat.failedCalls)
        }
    }

    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        guard let node = state.metrics else { return }
        var rows = rows(node)
        if !state.filter.isEmpty { rows = rows.filter { $0.name.localizedCaseInsensitiveContains(state.filter) } }
        rows.sort { lhs, rhs in
            switch state.currentSort {
            case 1: return (lhs.calls, lhs.name) > (rhs.calls, rhs.name)
            case 2: return (lhs.microsecondsPerCall, lhs.name) > (rhs.microsecondsPerCall, rhs.name)
            case 3: return (lhs.timeShare, lhs.name) > (rhs.timeShare, rhs.name)
            case 4: return (lhs.failed + lhs.rejected, lhs.name) > (rhs.failed + rhs.rejected, rhs.name)
            default:
                return (lhs.callsPerSecond ?? -1, lhs.calls, lhs.name) > (rhs.callsPerSecond ?? -1, rhs.calls, rhs.name)
            }
        }
        let note = "\(rows.count) commands · sort: \(DashboardView.commands.sortOrders[state.currentSort])"
        let inner = Panel(title: "Commands (INFO commandstats)", note: note).draw(
            into: &screen, rect: area, glyphs: theme.glyphs)
        let sortColumn = [1, 2, 3, 4, 6][state.currentSort]
        Table(
            columns: [
                Table.Column("command"), Table.Column("calls/s", width: 9, alignRight: true),
                Table.Column("calls", width: 9, alignRight: true),
                Table.Column("usec/call", width: 10, alignRight: true),
                Table.Column("time %", width: 7, alignRight: true),
                Table.Column("rejected", width: 9, alignRight: true),
                Table.Column("failed", width: 8, alignRight: true),
            ],
            rows: rows.map { row in
                [
                    row.name, ValueFormatting.count(row.callsPerSecond), ValueFormatting.count(Double(row.calls)),
                    ValueFormatting.fixed(row.microsecondsPerCall, decimals: 2), ValueFormatting.percent(row.timeShare),
                    ValueFormatting.count(Double(row.rejected)), ValueFormatting.count(Double(row.failed)),
                ]
            },
            rowStyles: rows.map { CellStyle($0.failed + $0.rejected > 0 ? .warn : .normal) },
            sort: (sortColumn, true), selected: min(state.selection, max(0, rows.count - 1)),
            emptyText: state.filter.isEmpty
                ? "INFO commandstats is empty or unavailable" : "no command matches '\(state.filter)'"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
