import Foundation
import Metrics

/// The keyspace view's "Hottest keys" panel, under an LFU policy: the sampled keys with the
/// highest `OBJECT FREQ` (the server's logarithmic access counter) and their namespaces.
enum HotKeysPanel {
    static func draw(_ state: DashboardState, _ model: KeyspaceFigures, rect: Rect, screen: inout Screen, theme: Theme)
    {
        var keys = model.hottest
        if !state.filter.isEmpty {
            keys = keys.filter { $0.displayName.localizedCaseInsensitiveContains(state.filter) }
        }
        let inner = Panel(title: "Hottest keys", note: "OBJECT FREQ (LFU)").draw(
            into: &screen, rect: rect, glyphs: theme.glyphs)
        Table(
            columns: [
                Table.Column("freq", width: 4, alignRight: true), Table.Column("namespace", width: 16),
                Table.Column("key"),
            ],
            rows: keys.map { key in
                [key.frequency.map(String.init) ?? "-", model.namespace(of: key), key.displayName]
            },
            emptyText: "no key matches '\(state.filter)'"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}
