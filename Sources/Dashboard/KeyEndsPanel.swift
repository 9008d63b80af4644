import Foundation
import Metrics

/// The keyspace view's "How keys end" panel: per namespace, whether values are replaced only when
/// their TTL runs out (TTL-only, with how stale they may be) or invalidated on write, with its
/// evidence — the share of the writer's ends (expiries, deletions, overwrites) that invalidated,
/// the shares of expiries, evictions and uncertain ends (early while the node evicted) among all
/// ends, the age at the end as a share of the TTL (median/90th percentile), how many of the
/// writer's ends the verdict rests on and from which source (`ev`: keyspace events, every key;
/// else tracked keys), and how sure it is.
enum KeyEndsPanel {
    static func draw(
        _ state: DashboardState, _ summary: KeyEndsSummary, rect: Rect, screen: inout Screen, theme: Theme
    ) {
        var rows = summary.rows
        if !state.filter.isEmpty { rows = rows.filter { $0.name.localizedCaseInsensitiveContains(state.filter) } }
        let inner = Panel(title: "How keys end", note: "\(summary.trackedKeys) keys tracked")
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        // Namespaces an alert names (StaleRisk…) stand out.
        let alerted = Set(
            (state.alerts?.firing ?? []).filter { $0.labels["node"] == state.node }.compactMap {
                $0.labels["namespace"]
            })
        func share(_ count: Double, _ total: Double) -> String {
            total > 0 ? "\(Int((count / total * 100).rounded()))%" : "-"
        }
        // The namespace keeps at least 12 columns: the age, then the confidence, go first where
        // the panel is narrow.
        var columns = [
            Table.Column("namespace"), Table.Column("verdict", width: 9),
            Table.Column("inv", width: 4, alignRight: true), Table.Column("exp", width: 4, alignRight: true),
            Table.Column("evi", width: 4, alignRight: true), Table.Column("unc", width: 4, alignRight: true),
            Table.Column("age", width: 8, alignRight: true), Table.Column("ends", width: 8, alignRight: true),
            Table.Column("sure", width: 4),
        ]
        func room() -> Int { inner.width - columns.reduce(0) { $0 + ($1.width ?? 0) + 1 } }
        let showsAge = room() >= 12
        if !showsAge { columns.remove(at: 6) }
        let showsConfidence = room() >= 12
        if !showsConfidence { columns.removeLast() }
        Table(
            columns: columns,
            rows: rows.map { row in
                let label: String
                switch row.kind {
                case .ttlOnly: label = "TTL≤" + ValueFormatting.duration(seconds: row.stalenessBound ?? 0)
                case .invalidatedOnWrite: label = "on write"
                case .unknown: label = "…"
                }
                // Age at the end as a share of the TTL: p50/p90 ("100%": they live it out).
                var age = "-"
                if let median = row.ageShareMedian, let high = row.ageShareHigh {
                    let (low, top) = (Int((median * 100).rounded()), Int((high * 100).rounded()))
                    age = low == top ? "\(top)%" : "\(low)/\(top)%"
                }
                let counts = row.counts
                let writer = ValueFormatting.count(counts.writerEnds.rounded())
                var cells = [
                    row.name, label, counts.writerEnds > 0 ? share(counts.invalidatedShare, 1) : "-",
                    share(counts.expired, counts.total), share(counts.evicted, counts.total),
                    share(counts.uncertain, counts.total), age,
                    row.source == .keyspaceEvents ? "\(writer) ev" : writer,
                    row.confidence.map {
                        row.kind == .unknown ? "-" : $0 == .medium ? "med" : $0.rawValue
                    }
                        ?? "-",
                ]
                if !showsAge { cells.remove(at: 6) }
                if !showsConfidence { cells.removeLast() }
                return cells
            },
            rowStyles: rows.map { row in
                if alerted.contains(row.name) { return CellStyle(.crit) }
                return CellStyle(row.kind == .unknown ? .muted : .normal)
            },
            emptyText: "no key tracked yet"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
