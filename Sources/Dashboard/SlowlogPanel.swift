import Foundation
import Metrics
import Telemetry

/// The slow log as a table: in the overview (newest few) and as view 2 (all, sortable, filtered).
enum SlowlogPanel {
    /// The overview's compact panel: newest entries first.
    static func draw(_ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme)
    {
        let entries = Array(node.slowlog.reversed()).filter { !(state.hidesOwnSlowlog && $0.isOwn) }
        let note = node.lastReading?.unavailable[.slowlog] != nil ? "unavailable" : "\(node.slowlog.count) seen"
        let inner = Panel(title: "Slow log", note: note).draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        if let reason = node.lastReading?.unavailable[.slowlog] {
            screen.put(DisplayWidth.truncate(reason, to: inner.width), x: inner.x, y: inner.y, style: CellStyle(.warn))
            return
        }
        // The client column appears when the command still has room beside it.
        let showsClient = inner.width >= 70
        let rows = entries.prefix(max(0, inner.height - 1)).map { entry in
            [age(of: entry, now: state.now), milliseconds(entry.duration)]
                + (showsClient ? [entry.clientAddress ?? "-"] : [])
                + [Self.command(entry)]
        }
        var columns = [Table.Column("age", width: 5, alignRight: true), Table.Column("ms", width: 7, alignRight: true)]
        if showsClient { columns.append(Table.Column("client", width: 21)) }
        columns.append(Table.Column("command"))
        Table(
            columns: columns,
            rows: rows, rowStyles: entries.map { style(for: $0.duration) }, emptyText: "no slow commands yet"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }

    /// View 2: every entry kept, filtered and sorted.
    static func drawView(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        guard let node = state.metrics else { return }
        var entries = Array(node.slowlog)
        let own = entries.filter(\.isOwn).count
        if state.hidesOwnSlowlog { entries.removeAll(where: \.isOwn) }
        if !state.filter.isEmpty {
            entries = entries.filter { entry in
                [entry.commandLine, entry.clientAddress ?? "", entry.clientName ?? ""]
                    .contains { $0.localizedCaseInsensitiveContains(state.filter) }
            }
        }
        entries.sort { state.currentSort == 1 ? $0.duration > $1.duration : $0.id > $1.id }
        var note = "\(entries.count) of \(node.slowlog.count) kept"
        if node.slowlogMissed > 0 { note += ", \(node.slowlogMissed) rotated out unseen" }
        if own > 0 {
            note += state.hidesOwnSlowlog ? ", \(own) of cachewatch hidden (c)" : ", * = cachewatch (c hides)"
        }
        note += " · sort: \(DashboardView.slowlog.sortOrders[state.currentSort])"
        let inner = Panel(title: "Slow log", note: note).draw(into: &screen, rect: area, glyphs: theme.glyphs)
        if let reason = node.lastReading?.unavailable[.slowlog] {
            screen.put(DisplayWidth.truncate(reason, to: inner.width), x: inner.x, y: inner.y, style: CellStyle(.warn))
            return
        }
        let wide = inner.width >= 100
        var columns = [
            Table.Column("id", width: 7, alignRight: true), Table.Column("time", width: 8),
            Table.Column("age", width: 6, alignRight: true), Table.Column("ms", width: 8, alignRight: true),
            Table.Column("client", width: wide ? 21 : 15),
        ]
        if wide { columns.append(Table.Column("name", width: 12)) }
        columns.append(Table.Column("command"))
        let rows = entries.map { entry -> [String] in
            var row = [
                String(entry.id), ValueFormatting.timeOfDay(entry.timestamp), age(of: entry, now: state.now),
                milliseconds(entry.duration), entry.clientAddress ?? "-",
            ]
            if wide { row.append(entry.clientName ?? "") }
            row.append(Self.command(entry))
            return row
        }
        Table(
            columns: columns, rows: rows, rowStyles: entries.map { style(for: $0.duration) },
            sort: (state.currentSort == 1 ? 3 : 0, true), selected: min(state.selection, max(0, rows.count - 1)),
            emptyText: state.filter.isEmpty ? "no slow commands yet" : "no entry matches '\(state.filter)'"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }

    /// The command line, marked `*` when cachewatch's own connection logged it.
    static func command(_ entry: SlowlogEntry) -> String {
        entry.isOwn ? "* " + entry.commandLine : entry.commandLine
    }

    static func age(of entry: SlowlogEntry, now: Date) -> String {
        ValueFormatting.duration(seconds: now.timeIntervalSince(entry.timestamp))
    }

    static func milliseconds(_ duration: Duration) -> String {
        ValueFormatting.milliseconds(duration.milliseconds)
    }

    private static func style(for duration: Duration) -> CellStyle {
        let milliseconds = duration.milliseconds
        return CellStyle(milliseconds >= 100 ? .crit : milliseconds >= 10 ? .warn : .normal)
    }
}

extension Duration {
    fileprivate var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
