import CNCurses
import Dashboard

#if canImport(Glibc)
import Glibc
#endif

/// The only code that touches ncurses: it draws ``Screen``s (only the cells that changed since
/// the last frame), reads keys and reports resizes. ncurses is not thread-safe, so one thread
/// creates, uses and restores a terminal.
public final class CursesTerminal {
    /// Whether the locale is UTF-8 (else draw with ``Glyphs/ascii`` and transliterate text).
    public let supportsUnicode: Bool
    /// Whether colours are in use.
    public let usesColor: Bool
    private var previous: Screen?
    private var isActive = true
    private var attributes: [StyleRole: Int32] = [:]

    /// Takes over the terminal: alternate screen, no echo, keys unbuffered, cursor hidden.
    ///
    /// - Parameters:
    ///   - colors: whether to use colours (false for `NO_COLOR`, `--no-color`).
    ///   - keyTimeout: how long ``readEvent()`` waits for a key.
    public init(colors: Bool, keyTimeout: Duration = .milliseconds(50)) {
        setlocale(LC_ALL, "")
        supportsUnicode = cw_locale_is_utf8() != 0
        initscr()
        cbreak()
        noecho()
        nonl()
        cw_keypad(1)
        curs_set(0)
        set_escdelay(25)
        cw_timeout(
            Int32(keyTimeout.components.seconds * 1000 + keyTimeout.components.attoseconds / 1_000_000_000_000_000))
        _ = cw_enable_wheel()
        usesColor = colors && has_colors()
        if usesColor {
            start_color()
            use_default_colors()
        }
        attributes = Self.attributeTable(colors: usesColor)
    }

    /// The terminal size in columns and rows.
    public var size: (width: Int, height: Int) { (Int(cw_cols()), Int(cw_lines())) }

    /// The theme that fits this terminal.
    public var theme: Theme { Theme(glyphs: supportsUnicode ? .unicode : .ascii, usesColor: usesColor) }

    /// Draws `screen`, writing only the runs of cells that differ from the previous frame
    /// (everything after a resize or ``invalidate()``).
    public func draw(_ screen: Screen) {
        guard isActive else { return }
        let full = previous.map { $0.width != screen.width || $0.height != screen.height } ?? true
        if full { _ = cw_erase() }
        for y in 0..<screen.height {
            var x = 0
            while x < screen.width {
                let cell = screen[x, y]
                if !full, let previous, previous[x, y] == cell {
                    x += 1
                    continue
                }
                // A run of changed cells with the same style becomes one write.
                var text = ""
                let start = x
                while x < screen.width, screen[x, y].style == cell.style,
                    full || previous?[x, y] != screen[x, y] || x == start
                {
                    text += supportsUnicode ? screen[x, y].text : AsciiFallback.transliterate(screen[x, y].text)
                    x += 1
                }
                _ = cw_attrset(attribute(for: cell.style))
                // The bottom-right cell cannot be written without scrolling on some terminals.
                if y == screen.height - 1 && x == screen.width { text = String(text.dropLast()) }
                _ = cw_mvaddstr(Int32(y), Int32(start), text)
            }
        }
        _ = cw_attrset(cw_attr_normal())
        _ = cw_refresh()
        previous = screen
    }

    /// Forgets the last frame, so the next draw repaints everything (after a resize).
    public func invalidate() {
        previous = nil
        _ = cw_clear()
    }

    /// Waits up to the key timeout for a key or a resize.
    public func readEvent() -> TerminalEvent {
        var character: wint_t = 0
        let result = cw_get_wch(&character)
        if result == ERR { return .idle }
        if result == cw_key_code_yes() {
            let code = Int32(character)
            if code == KEY_RESIZE { return .resize }
            if code == KEY_MOUSE {
                switch cw_read_wheel() {
                case -1: return .key(.wheelUp)
                case 1: return .key(.wheelDown)
                default: return .idle
                }
            }
            return KeyTranslation.key(forCode: code).map(TerminalEvent.key) ?? .idle
        }
        return KeyTranslation.key(forCharacter: UInt32(character)).map(TerminalEvent.key) ?? .idle
    }

    /// Gives the terminal back as it was (safe to call more than once).
    public func restore() {
        guard isActive else { return }
        isActive = false
        curs_set(1)
        endwin()
    }

    deinit {
        restore()
    }

    private func attribute(for style: CellStyle) -> Int32 {
        var value = attributes[style.role] ?? cw_attr_normal()
        if style.bold { value |= cw_attr_bold() }
        return value
    }

    /// Colour pairs per role; without colour, emphasis only.
    private static func attributeTable(colors: Bool) -> [StyleRole: Int32] {
        guard colors else {
            return [
                .normal: cw_attr_normal(), .muted: cw_attr_dim(), .accent: cw_attr_bold(), .ok: cw_attr_normal(),
                .warn: cw_attr_bold(), .crit: cw_attr_bold() | cw_attr_reverse(), .graph: cw_attr_normal(),
                .graphAlternate: cw_attr_normal(), .selected: cw_attr_reverse(),
            ]
        }
        let gray: Int16 = cw_colors() >= 16 ? 8 : Int16(COLOR_WHITE)
        let pairs: [(StyleRole, Int16)] = [
            (.muted, gray), (.accent, Int16(COLOR_CYAN)), (.ok, Int16(COLOR_GREEN)), (.warn, Int16(COLOR_YELLOW)),
            (.crit, Int16(COLOR_RED)), (.graph, Int16(COLOR_CYAN)), (.graphAlternate, Int16(COLOR_MAGENTA)),
        ]
        var table: [StyleRole: Int32] = [.normal: cw_attr_normal(), .selected: cw_attr_reverse()]
        for (index, (role, foreground)) in pairs.enumerated() {
            let pair = Int16(index + 1)
            init_pair(pair, foreground, -1)
            table[role] =
                cw_color_pair(Int32(pair)) | (role == .muted && gray == Int16(COLOR_WHITE) ? cw_attr_dim() : 0)
        }
        return table
    }
}
