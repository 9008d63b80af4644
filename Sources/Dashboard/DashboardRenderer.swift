/// Renders the dashboard: a pure function of state, size and theme.
public enum DashboardRenderer {
    /// The smallest terminal the dashboard draws in.
    public static let minimumSize = (width: 80, height: 24)

    /// The screen for `state` at `width` × `height`.
    public static func render(_ state: DashboardState, width: Int, height: Int, theme: Theme = .standard) -> Screen {
        var screen = Screen(width: width, height: height)
        guard width >= minimumSize.width, height >= minimumSize.height else {
            drawTooSmall(into: &screen)
            return screen
        }
        Chrome.draw(state, into: &screen, theme: theme)
        let area = Chrome.content(of: screen)
        if state.showsHelp {
            HelpView.draw(in: area, into: &screen, theme: theme, replaying: state.replay != nil)
            return screen
        }
        switch state.view {
        case .overview: OverviewView.draw(state, in: area, into: &screen, theme: theme)
        case .slowlog: SlowlogPanel.drawView(state, in: area, into: &screen, theme: theme)
        case .commands: CommandsView.draw(state, in: area, into: &screen, theme: theme)
        case .clientsAndMemory: MemoryClientsView.draw(state, in: area, into: &screen, theme: theme)
        case .keyspace: KeyspaceView.draw(state, in: area, into: &screen, theme: theme)
        case .alerts: AlertsView.draw(state, in: area, into: &screen, theme: theme)
        case .nodes: NodesView.draw(state, in: area, into: &screen, theme: theme)
        }
        return screen
    }

    private static func drawTooSmall(into screen: inout Screen) {
        let full = [
            "cachewatch needs at least \(minimumSize.width)×\(minimumSize.height)",
            "this terminal is \(screen.width)×\(screen.height)",
            "enlarge it, or press q to quit",
        ]
        // Narrower than that (a split pane, a phone): the figures first, in the room there is.
        let short = [
            "needs \(minimumSize.width)×\(minimumSize.height)", "this is \(screen.width)×\(screen.height)", "q quits",
        ]
        let fits = full.allSatisfy { DisplayWidth.of($0) <= screen.width } && screen.height >= full.count
        let lines = fits ? full : short.flatMap { DisplayWidth.wrap($0, to: screen.width, maxLines: 2) }
        let top = max(0, (screen.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let shown = DisplayWidth.truncate(line, to: screen.width)
            let x = max(0, (screen.width - DisplayWidth.of(shown)) / 2)
            screen.put(shown, x: x, y: top + index, style: index == 0 ? CellStyle(.warn, bold: true) : .normal)
        }
    }
}
