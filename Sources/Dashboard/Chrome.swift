import Foundation
import Metrics

/// The header, the tab bar and the footer around every view.
enum Chrome {
    /// Rows taken above the content.
    static let topRows = 2
    /// Rows taken below the content.
    static let bottomRows = 1

    static func draw(_ state: DashboardState, into screen: inout Screen, theme: Theme) {
        drawHeader(state, into: &screen, theme: theme)
        drawTabs(state, into: &screen)
        drawFooter(state, into: &screen, theme: theme)
    }

    /// The content area between header and footer.
    static func content(of screen: Screen) -> Rect {
        Rect(x: 0, y: topRows, width: screen.width, height: screen.height - topRows - bottomRows)
    }

    private static func drawHeader(_ state: DashboardState, into screen: inout Screen, theme: Theme) {
        let bar = CellStyle(.selected)
        screen.fill(Rect(x: 0, y: 0, width: screen.width, height: 1), style: bar)
        var parts = [state.node]
        let names = state.store.nodeNames
        if names.count > 1, let index = names.firstIndex(of: state.node) {
            parts[0] += " (\(index + 1)/\(names.count))"
        }
        if let info = state.metrics?.lastInfo {
            if let role = info.replication.role { parts.append(role.headerName) }
            if let node = state.topology?.nodes.first(where: { $0.name == state.node }),
                node.role == .primary
            {
                parts.append("slots \(node.slotText)")
            }
            parts.append([info.server.serverName, info.server.version].compactMap { $0 }.joined(separator: " "))
            if let uptime = info.server.uptimeSeconds {
                let since = state.metrics?.lastInfoTime.map { state.now.timeIntervalSince($0) } ?? 0
                parts.append("up " + ValueFormatting.duration(seconds: Double(uptime) + max(0, since)))
            }
            if let policy = info.memory.maxmemoryPolicy { parts.append(policy.name) }
        }
        if let replay = state.replay {
            parts.insert(ValueFormatting.localDateTime(replay.time), at: 0)
        }
        let status: (String, StyleRole)
        let firing = state.alerts?.firing ?? []
        if let replay = state.replay {
            let mark = replay.isPlaying ? "▶ ×\(replay.speed)" : "PAUSED"
            status = firing.isEmpty ? (mark, .accent) : ("\(firing.count) firing · \(mark)", .warn)
        } else if !firing.isEmpty && !state.isPaused && state.metrics?.lastFailure == nil {
            let worst = firing.map(\.severity).max() ?? .warning
            status = ("\(firing.count) firing", worst == .critical ? .crit : worst == .warning ? .warn : .accent)
        } else if state.isPaused {
            status = ("PAUSED", .warn)
        } else if let failure = state.metrics?.lastFailure {
            status = ("\(theme.glyphs.dot) \(failure.kind == .authentication ? "auth failed" : "down")", .crit)
        } else if state.metrics?.isUp == true {
            let pace =
                state.interval < 1
                ? "\(Int((state.interval * 1000).rounded()))ms" : ValueFormatting.duration(seconds: state.interval)
            status = ("\(theme.glyphs.dot) live \(pace)", .ok)
        } else {
            status = ("connecting", .warn)
        }
        let left = state.replay == nil ? "cachewatch " : "cachewatch REPLAY "
        var x = screen.put(left, x: 1, y: 0, style: CellStyle(.selected, bold: true)) + 1
        let statusWidth = DisplayWidth.of(status.0) + 1
        let room = screen.width - x - statusWidth - 1
        x += screen.put(
            DisplayWidth.truncate(parts.joined(separator: " · "), to: room), x: x, y: 0, style: bar, maxWidth: room)
        screen.putRight(status.0, x: 0, y: 0, width: screen.width - 1, style: CellStyle(status.1, bold: true))
    }

    private static func drawTabs(_ state: DashboardState, into screen: inout Screen) {
        var x = 1
        // Tabs touch when the screen is too narrow for the spaced-out bar.
        let spaced = DashboardView.allCases.reduce(1) { $0 + DisplayWidth.of(" \($1.rawValue) \($1.title) ") + 1 }
        let gap = spaced <= screen.width ? 1 : 0
        for view in DashboardView.allCases {
            let label = gap == 1 ? " \(view.rawValue) \(view.title) " : " \(view.rawValue) \(view.title)"
            let style = view == state.view && !state.showsHelp ? CellStyle(.accent, bold: true) : CellStyle.muted
            if view == state.view && !state.showsHelp {
                screen.fill(Rect(x: x, y: 1, width: DisplayWidth.of(label), height: 1), style: CellStyle(.selected))
                screen.put(label, x: x, y: 1, style: CellStyle(.selected, bold: true))
            } else {
                screen.put(label, x: x, y: 1, style: style)
            }
            x += DisplayWidth.of(label) + gap
        }
        let window = "window \(ValueFormatting.duration(seconds: Double(state.windowSeconds)))"
        if x + DisplayWidth.of(window) + 2 < screen.width {
            screen.putRight(window, x: 0, y: 1, width: screen.width - 1, style: .muted)
        }
    }

    private static func drawFooter(_ state: DashboardState, into screen: inout Screen, theme: Theme) {
        let y = screen.height - 1
        if let typing = state.replay?.typing {
            let prompt = "g go to: \(typing)_"
            let width = screen.put(prompt, x: 1, y: y, style: CellStyle(.accent, bold: true))
            screen.put("  03:12, -2h, +10m, a date · Enter goes, Esc cancels", x: 1 + width, y: y, style: .muted)
            return
        }
        if state.isEditingFilter {
            let prompt = "/ filter: \(state.filter)_"
            let width = screen.put(prompt, x: 1, y: y, style: CellStyle(.accent, bold: true))
            screen.put("  Enter keeps it, Esc clears it", x: 1 + width, y: y, style: .muted)
            return
        }
        // Why the node is down comes before any other note: the header only says that it is.
        if let failure = state.metrics?.lastFailure {
            screen.put(
                DisplayWidth.truncate(failure.message, to: screen.width - 2), x: 1, y: y, style: CellStyle(.crit))
            return
        }
        if let message = state.message {
            screen.put(DisplayWidth.truncate(message, to: screen.width - 2), x: 1, y: y, style: CellStyle(.accent))
            return
        }
        var x = 1
        for (key, hint) in KeyMap.footerHints(replaying: state.replay != nil) {
            guard x + key.count + hint.count + 3 < screen.width else { break }
            x += screen.put(key, x: x, y: y, style: CellStyle(.accent, bold: true))
            x += screen.put(" \(hint)  ", x: x, y: y, style: .muted)
        }
        let extra =
            "1-\(DashboardView.allCases.count) views  +/- window"
            + (state.replay == nil ? "" : "  ←/→ tick  ,/. 1m  </> 10m  z/x speed")
            + (state.filter.isEmpty ? "" : "  filter: \(state.filter)")
        if x + extra.count < screen.width { screen.put(extra, x: x, y: y, style: .muted) }
    }
}
