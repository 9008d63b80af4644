/// The help screen, written from ``KeyMap/bindings``.
enum HelpView {
    static func draw(in area: Rect, into screen: inout Screen, theme: Theme, replaying: Bool = false) {
        let inner = Panel(title: "Help", note: "Esc or ? closes").draw(into: &screen, rect: area, glyphs: theme.glyphs)
        var lines = LineWriter(rect: inner)
        let bindings = KeyMap.bindings(replaying: replaying)
        let labelWidth = (bindings.map { DisplayWidth.of($0.label) }.max() ?? 4) + 2
        for binding in bindings {
            let padding = String(repeating: " ", count: max(1, labelWidth - DisplayWidth.of(binding.label)))
            lines.write(&screen, [("  " + binding.label + padding, .accent), (binding.help, .normal)])
        }
        lines.write(&screen, [])
        lines.write(
            &screen, [("  Graphs: newest at the right; ", .muted), ("╳", .crit), (" marks polls that failed.", .muted)])
        lines.write(
            &screen, [("  Rates are per second between polls; '-' means no value (never a made-up 0).", .muted)])
    }
}
