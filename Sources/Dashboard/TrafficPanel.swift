import Foundation
import Metrics

/// The keyspace view's "Traffic (profile)" panel: the shown node's newest profile — reads,
/// writes and deletes per second and the hit ratio of each namespace, the busiest first — or
/// the profile running now.
enum TrafficPanel {
    static func draw(_ state: DashboardState, rect: Rect, screen: inout Screen, theme: Theme) {
        var note = ""
        if let running = state.runningProfile, running.node == state.node {
            let elapsed = min(running.seconds, max(0, state.now.timeIntervalSince(running.since)))
            note = "profiling \(Int(elapsed))/\(Int(running.seconds)) s (MONITOR)"
        } else if let profile = state.profile {
            let ended = profile.startedAt.addingTimeInterval(profile.schedule.seconds)
            let age = ValueFormatting.duration(seconds: max(0, state.now.timeIntervalSince(ended)))
            note = "\(age) ago · misses \(profile.missSource == .keymissEvents ? "exact" : "inferred")"
        }
        let inner = Panel(title: "Traffic by namespace", note: note).draw(
            into: &screen, rect: rect, glyphs: theme.glyphs)
        guard let profile = state.profile else {
            screen.put(
                DisplayWidth.truncate("profile running: hit ratios when it ends", to: inner.width), x: inner.x,
                y: inner.y, style: .muted)
            return
        }
        var rows = profile.namespaces
        if !state.filter.isEmpty { rows = rows.filter { $0.namespace.localizedCaseInsensitiveContains(state.filter) } }
        // Namespaces an alert names (LowNamespaceHitRatio) stand out.
        let alerted = Set(
            (state.alerts?.firing ?? []).filter { $0.labels["node"] == state.node }.compactMap {
                $0.labels["namespace"]
            })
        Table(
            columns: [
                Table.Column("namespace"), Table.Column("rd/s", width: 6, alignRight: true),
                Table.Column("wr/s", width: 6, alignRight: true), Table.Column("del/s", width: 5, alignRight: true),
                Table.Column("hit%", width: 5, alignRight: true),
            ],
            rows: rows.map { traffic in
                [
                    traffic.namespace, ValueFormatting.count(profile.perSecond(traffic.reads)),
                    ValueFormatting.count(profile.perSecond(traffic.writes)),
                    ValueFormatting.count(profile.perSecond(traffic.deletes)),
                    traffic.hitRatio.map { String(Int(($0 * 100).rounded())) } ?? "-",
                ]
            },
            rowStyles: rows.map { traffic in
                if alerted.contains(traffic.namespace) { return CellStyle(.crit) }
                let lowTraffic = profile.perSecond(traffic.reads) < ProfileReport.realTrafficReadsPerSecond
                return CellStyle(lowTraffic ? .muted : .normal)
            },
            emptyText: "no command seen"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
