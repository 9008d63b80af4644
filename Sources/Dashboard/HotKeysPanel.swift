import Foundation
import Metrics
import Telemetry

/// The keyspace view's "Hottest keys" panel: the hot keys the server measured itself where it
/// does (`HOTKEYS`: Valkey 9.2+ accesses per second over its last window, Redis 8.6+ CPU and
/// network of a session), else, under an LFU policy, the sampled keys with the highest
/// `OBJECT FREQ` (the server's logarithmic access counter). Valkey with tracking off says how to
/// turn it on above the `OBJECT FREQ` list.
enum HotKeysPanel {
    /// Whether the panel has anything to show for `state`'s node.
    static func hasContent(_ state: DashboardState, _ model: KeyspaceFigures) -> Bool {
        !model.hottest.isEmpty || state.metrics.flatMap(serverHotKeys) != nil
    }

    static func draw(_ state: DashboardState, _ model: KeyspaceFigures, rect: Rect, screen: inout Screen, theme: Theme)
    {
        let server = state.metrics.flatMap(serverHotKeys)
        if let server, !server.entries.isEmpty || server.settings?.isEnabled == true || model.hottest.isEmpty {
            drawServer(server, state, model, rect: rect, screen: &screen, theme: theme)
            return
        }
        var keys = model.hottest
        if !state.filter.isEmpty {
            keys = keys.filter { $0.displayName.localizedCaseInsensitiveContains(state.filter) }
        }
        var inner = Panel(title: "Hottest keys", note: "OBJECT FREQ (LFU)").draw(
            into: &screen, rect: rect, glyphs: theme.glyphs)
        if let settings = server?.settings, !settings.isEnabled, inner.height > 3 {
            screen.put(
                DisplayWidth.truncate(ValkeyHotkeySettings.enablingHint, to: inner.width), x: inner.x, y: inner.y,
                style: .muted)
            inner = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        }
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

    /// The server's own ranking, as measured.
    private static func drawServer(
        _ hotKeys: ServerHotKeys, _ state: DashboardState, _ model: KeyspaceFigures, rect: Rect,
        screen: inout Screen, theme: Theme
    ) {
        var entries = hotKeys.entries
        if !state.filter.isEmpty {
            entries = entries.filter { KeyName.escaped($0.key).localizedCaseInsensitiveContains(state.filter) }
        }
        let note = ["HOTKEYS", hotKeys.compactMethodLine].filter { !$0.isEmpty }.joined(separator: " · ")
        var inner = Panel(title: "Hottest keys", note: note).draw(
            into: &screen, rect: rect, glyphs: theme.glyphs)
        if let settings = hotKeys.settings, !settings.isEnabled, inner.height > 1 {
            for line in DisplayWidth.wrap(ValkeyHotkeySettings.enablingHint, to: inner.width, maxLines: 2) {
                screen.put(line, x: inner.x, y: inner.y, style: .muted)
                inner = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
            }
            return
        }
        var columns: [Table.Column] = []
        var cells: [(ServerHotKeys.Entry) -> String] = []
        switch hotKeys.source {
        case .valkeyWindow:
            columns.append(Table.Column("acc/s", width: 6, alignRight: true))
            cells.append { ValueFormatting.count($0.accessesPerSecond) }
        case .redisSession:
            columns += [
                Table.Column("cpu%", width: 5, alignRight: true), Table.Column("net/s", width: 6, alignRight: true),
            ]
            cells += [
                { $0.cpuPercent.map { String(format: "%.1f", $0) } ?? "-" },
                { ValueFormatting.bytes($0.networkBytesPerSecond) },
            ]
        }
        columns += [Table.Column("namespace", width: 16), Table.Column("key")]
        cells += [{ NamespacePattern.of($0.key) }, { $0.instanceName }]
        let empty: String
        if !state.filter.isEmpty {
            empty = "no key matches '\(state.filter)'"
        } else if hotKeys.source == .redisSession {
            empty = "no HOTKEYS session: P starts one (with the profile), or cachewatch profile --hotkeys"
        } else {
            empty = "no key was hot in the last window"
        }
        Table(columns: columns, rows: entries.map { entry in cells.map { $0(entry) } }, emptyText: empty)
            .draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }

    /// The node's server-measured hot keys: as read live, or (a replay, which restores labelled
    /// metrics only) rebuilt from the labelled metrics.
    static func serverHotKeys(_ node: NodeMetrics) -> ServerHotKeys? {
        if let live = node.serverHotKeys { return live }
        if let accesses = node.instances(.hotkeyAccessesPerSec), !accesses.isEmpty {
            let entries = accesses.map { ServerHotKeys.Entry(key: Array($0.key.utf8), accessesPerSecond: $0.value) }
            return ServerHotKeys(
                source: .valkeyWindow,
                entries: entries.sorted { ($0.accessesPerSecond ?? 0) > ($1.accessesPerSecond ?? 0) },
                isTracking: true)
        }
        let cpu = node.instances(.hotkeyCPUPercent) ?? [:]
        let network = node.instances(.hotkeyNetworkBytesPerSec) ?? [:]
        guard !cpu.isEmpty || !network.isEmpty else { return nil }
        let names = Set(cpu.keys).union(network.keys)
        let entries = names.map {
            ServerHotKeys.Entry(key: Array($0.utf8), cpuPercent: cpu[$0], networkBytesPerSecond: network[$0])
        }
        return ServerHotKeys(
            source: .redisSession,
            entries: entries.sorted {
                ($0.cpuPercent ?? 0, $0.networkBytesPerSecond ?? 0) > (
                    $1.cpuPercent ?? 0, $1.networkBytesPerSecond ?? 0
                )
            }, isTracking: false)
    }
}
