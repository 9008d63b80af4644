import Foundation
import Metrics
import Telemetry

/// View 4: memory and clients over time, databases, error replies and replication.
enum MemoryClientsView {
    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        guard let node = state.metrics else { return }
        let info = node.lastInfo
        let bands = area.rows([nil, max(8, area.height / 3)])
        let top = bands[0].columns([1, 1])
        let bottom = bands[1].columns([1, 1])
        let points = max(1, (top[0].width - 2) * (theme.glyphs.braille ? 2 : 1))

        let memoryWindow = SeriesWindow(
            node: node, metric: .usedMemoryBytes, seconds: state.windowSeconds, points: points)
        let limit = Double(info?.memory.maxmemory ?? 0)
        var memoryNote = "used \(ValueFormatting.bytes(node.latest(.usedMemoryBytes)))"
        memoryNote += limit > 0 ? " of \(ValueFormatting.bytes(limit))" : " (no limit)"
        let memoryInner = Panel(title: "Memory", note: memoryNote, noteStyle: CellStyle(.normal, bold: true))
            .draw(into: &screen, rect: top[0], glyphs: theme.glyphs)
        let memoryParts = memoryInner.rows([nil, 3])
        BrailleGraph(
            values: memoryWindow.values, failed: memoryWindow.failed,
            maximum: limit > 0 ? limit : (memoryWindow.maximum ?? 1) * 1.1
        )
        .draw(into: &screen, rect: memoryParts[0], glyphs: theme.glyphs)
        var memoryLines = LineWriter(rect: memoryParts[1])
        memoryLines.write(
            &screen,
            [
                ("rss ", .muted), (ValueFormatting.bytes(node.latest(.rssBytes)), .normal),
                ("  peak ", .muted), (ValueFormatting.bytes(info?.memory.peak.map(Double.init)), .normal),
                ("  frag ", .muted), (ValueFormatting.ratio(node.latest(.fragmentationRatio)), .normal),
            ])
        memoryLines.write(
            &screen,
            [
                ("policy ", .muted), (info?.memory.maxmemoryPolicy?.name ?? "-", .normal),
                ("  evicted ", .muted), (ValueFormatting.count(node.latest(.evictedPerSec)) + "/s", .normal),
            ])
        memoryLines.write(
            &screen,
            [
                ("server cpu ", .muted), (ValueFormatting.fixed(node.latest(.cpuPercent), decimals: 1) + "%", .normal),
                ("  net in ", .muted), (ValueFormatting.bytes(node.latest(.netInBytesPerSec)) + "/s", .normal),
                ("  out ", .muted), (ValueFormatting.bytes(node.latest(.netOutBytesPerSec)) + "/s", .normal),
            ])

        let clientsWindow = SeriesWindow(
            node: node, metric: .clientsConnected, seconds: state.windowSeconds, points: points)
        let clientsInner = Panel(
            title: "Clients", note: "connected \(ValueFormatting.count(node.latest(.clientsConnected)))",
            noteStyle: CellStyle(.normal, bold: true)
        ).draw(into: &screen, rect: top[1], glyphs: theme.glyphs)
        let clientParts = clientsInner.rows([nil, 3])
        BrailleGraph(
            values: clientsWindow.values, failed: clientsWindow.failed, maximum: (clientsWindow.maximum ?? 1) * 1.1
        )
        .draw(into: &screen, rect: clientParts[0], glyphs: theme.glyphs)
        var clientLines = LineWriter(rect: clientParts[1])
        clientLines.write(
            &screen,
            [
                ("blocked ", .muted), (ValueFormatting.count(node.latest(.clientsBlocked)), .normal),
                ("  max ", .muted), (ValueFormatting.count(info?.clients.maxClients.map(Double.init)), .normal),
            ])
        clientLines.write(
            &screen,
            [
                ("new ", .muted), (ValueFormatting.count(node.latest(.connectionsPerSec)) + "/s", .normal),
                ("  rejected ", .muted),
                (
                    ValueFormatting.count(node.latest(.rejectedConnectionsPerSec)) + "/s",
                    (node.latest(.rejectedConnectionsPerSec) ?? 0) > 0 ? .crit : .normal
                ),
            ])
        clientLines.write(
            &screen,
            [
                ("error replies ", .muted), (ValueFormatting.count(node.latest(.errorRepliesPerSec)) + "/s", .normal),
            ])

        databases(state, info, bottom[0], &screen, theme)
        errorsAndReplication(info, bottom[1], &screen, theme)
    }

    private static func databases(
        _ state: DashboardState, _ info: InfoSnapshot?, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        var entries = (info?.keyspace ?? [:]).map { (index: $0.key, entry: $0.value) }
        if !state.filter.isEmpty { entries = entries.filter { "db\($0.index)".contains(state.filter.lowercased()) } }
        entries.sort {
            state.currentSort == 1 ? $0.index < $1.index : ($0.entry.keys, -$0.index) > ($1.entry.keys, -$1.index)
        }
        let inner = Panel(
            title: "Databases", note: "sort: \(DashboardView.clientsAndMemory.sortOrders[state.currentSort])"
        )
        .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        Table(
            columns: [
                Table.Column("db", width: 5), Table.Column("keys", width: 8, alignRight: true),
                Table.Column("expiring", width: 9, alignRight: true),
                Table.Column("with TTL", width: 9, alignRight: true),
                Table.Column("avg TTL", alignRight: true),
            ],
            rows: entries.map { item in
                let share = item.entry.keys > 0 ? Double(item.entry.expires) / Double(item.entry.keys) : nil
                return [
                    "db\(item.index)", ValueFormatting.count(Double(item.entry.keys)),
                    ValueFormatting.count(Double(item.entry.expires)),
                    share.map { ValueFormatting.percent($0) + "%" } ?? "-",
                    item.entry.averageTTLMilliseconds > 0
                        ? ValueFormatting.duration(seconds: Double(item.entry.averageTTLMilliseconds) / 1000) : "-",
                ]
            },
            sort: (state.currentSort == 1 ? 0 : 1, state.currentSort != 1),
            selected: entries.isEmpty ? nil : min(state.selection, entries.count - 1), emptyText: "no keys"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }

    private static func errorsAndReplication(
        _ info: InfoSnapshot?, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let inner = Panel(title: "Errors & replication").draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var lines = LineWriter(rect: inner)
        let replication = info?.replication
        let role = replication?.role?.headerName ?? "-"
        var roleLine: [(String, StyleRole)] = [("role ", .muted), (role, .normal)]
        if let replicas = replication?.connectedReplicas {
            roleLine += [("  replicas ", .muted), ("\(replicas)", .normal)]
        }
        lines.write(&screen, roleLine)
        if let status = replication?.masterLinkStatus {
            lines.write(
                &screen,
                [
                    ("primary ", .muted),
                    ("\(replication?.masterHost ?? "?"):\(replication?.masterPort ?? 0)", .normal),
                    ("  link ", .muted), (status, status == "up" ? .ok : .crit),
                ])
        }
        for link in replication?.replicas ?? [] {
            lines.write(
                &screen,
                [
                    ("replica ", .muted), ("\(link.ip):\(link.port)", .normal),
                    ("  \(link.state)", link.state == "online" ? .ok : .warn),
                    ("  lag ", .muted), ("\(link.lag)s", link.lag > 5 ? .warn : .normal),
                ])
        }
        let errors = (info?.errorStats ?? [:]).sorted { ($0.value, $0.key) > ($1.value, $1.key) }
        if errors.isEmpty {
            lines.write(&screen, [("no error replies since start", .muted)])
        } else {
            lines.write(&screen, [("error replies since start:", .muted)])
            for (code, count) in errors {
                lines.write(&screen, [("  \(code) ", .warn), (ValueFormatting.count(Double(count)), .normal)])
            }
        }
    }
}
