import Foundation
import Metrics

/// The keyspace view's "How keys end" panel: per namespace, whether values are replaced only when
/// their TTL runs out (TTL-only, with how stale they may be) or invalidated on write, the shares
/// of expiries, invalidations and evictions among the ends seen, and how many (the confidence).
enum KeyEndsPanel {
    static func draw(
        _ state: DashboardState, _ invalidation: NamespaceInvalidation, rect: Rect, screen: inout Screen, theme: Theme
    ) {
        var rows = invalidation.namespaces.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) }
        if !state.filter.isEmpty { rows = rows.filter { $0.key.localizedCaseInsensitiveContains(state.filter) } }
        let tracked = invalidation.namespaces.values.reduce(0) { $0 + $1.tracked }
        let inner = Panel(title: "How keys end", note: "\(tracked) keys tracked")
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        // Namespaces an alert names (StaleRisk…) stand out.
        let alerted = Set(
            (state.alerts?.firing ?? []).filter { $0.labels["node"] == state.node }.compactMap {
                $0.labels["namespace"]
            })
        func share(_ count: Int, _ total: Int) -> String {
            total > 0 ? "\(Int((Double(count) / Double(total) * 100).rounded()))%" : "-"
        }
        Table(
            columns: [
                Table.Column("namespace"), Table.Column("invalidated", width: 11),
                Table.Column("exp", width: 4, alignRight: true), Table.Column("inv", width: 4, alignRight: true),
                Table.Column("evi", width: 4, alignRight: true), Table.Column("ends", width: 5, alignRight: true),
            ],
            rows: rows.map { name, ends in
                let verdict: String
                switch invalidation.kind(of: name) {
                case .ttlOnly:
                    verdict = "TTL≤" + ValueFormatting.duration(seconds: invalidation.stalenessBound(of: name) ?? 0)
                case .invalidatedOnWrite: verdict = "on write"
                case .unknown: verdict = "…"
                }
                return [
                    name, verdict, share(ends.expired, ends.total), share(ends.deleted + ends.overwritten, ends.total),
                    share(ends.evicted, ends.total), String(ends.total),
                ]
            },
            rowStyles: rows.map { name, _ in
                if alerted.contains(name) { return CellStyle(.crit) }
                return CellStyle(invalidation.kind(of: name) == .unknown ? .muted : .normal)
            },
            emptyText: "no key tracked yet"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
