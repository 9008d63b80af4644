import Foundation
import Metrics

/// The keyspace view's "How keys end" panel: per namespace, whether values are replaced only when
/// their TTL runs out (TTL-only, with how stale they may be) or invalidated on write, the shares
/// of expiries, invalidations and evictions among the ends seen, the age at the end as a share of
/// the TTL (median/90th percentile), and how many ends, from which source (the confidence:
/// `ev` counted by keyspace events for every key, else tracked keys).
enum KeyEndsPanel {
    static func draw(
        _ state: DashboardState, _ invalidation: NamespaceInvalidation, rect: Rect, screen: inout Screen, theme: Theme
    ) {
        var rows = invalidation.namespaces.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) }
        if !state.filter.isEmpty { rows = rows.filter { $0.key.localizedCaseInsensitiveContains(state.filter) } }
        let tracked = invalidation.namespaces.values.reduce(0) { $0 + $1.trackedKeys }
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
        // The namespace keeps at least 12 columns: the age goes first where the panel is narrow.
        var columns = [
            Table.Column("namespace"), Table.Column("verdict", width: 9),
            Table.Column("exp", width: 4, alignRight: true), Table.Column("inv", width: 4, alignRight: true),
            Table.Column("evi", width: 4, alignRight: true), Table.Column("age", width: 8, alignRight: true),
            Table.Column("ends", width: 8, alignRight: true),
        ]
        let showsAge = inner.width - columns.reduce(0) { $0 + ($1.width ?? 0) + 1 } >= 12
        if !showsAge { columns.remove(at: 5) }
        Table(
            columns: columns,
            rows: rows.map { name, ends in
                let verdict: String
                switch invalidation.kind(of: name) {
                case .ttlOnly:
                    verdict = "TTL≤" + ValueFormatting.duration(seconds: invalidation.stalenessBound(of: name) ?? 0)
                case .invalidatedOnWrite: verdict = "on write"
                case .unknown: verdict = "…"
                }
                // Age at the end as a share of the TTL: p50/p90 ("100%": they live it out).
                var age = "-"
                if let median = ends.ageShare(quantile: 0.5), let high = ends.ageShare(quantile: 0.9) {
                    let (low, top) = (Int((median * 100).rounded()), Int((high * 100).rounded()))
                    age = low == top ? "\(top)%" : "\(low)/\(top)%"
                }
                let count = ValueFormatting.count(Double(ends.total))
                var cells = [
                    name, verdict, share(ends.expired, ends.total), share(ends.deleted + ends.overwritten, ends.total),
                    share(ends.evicted, ends.total), age, ends.source == .keyspaceEvents ? "\(count) ev" : count,
                ]
                if !showsAge { cells.remove(at: 5) }
                return cells
            },
            rowStyles: rows.map { name, _ in
                if alerted.contains(name) { return CellStyle(.crit) }
                return CellStyle(invalidation.kind(of: name) == .unknown ? .muted : .normal)
            },
            emptyText: "no key tracked yet"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
