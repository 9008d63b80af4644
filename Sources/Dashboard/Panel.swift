/// A box with a title; widgets draw inside ``inner``.
public struct Panel: Sendable {
    /// The title, drawn into the top border.
    public var title: String
    /// Text at the right of the top border (a current value, a window length).
    public var note: String?
    /// The style of the note.
    public var noteStyle: CellStyle

    /// Creates a panel.
    public init(title: String, note: String? = nil, noteStyle: CellStyle = .muted) {
        self.title = title
        self.note = note
        self.noteStyle = noteStyle
    }

    /// The area inside the border.
    public static func inner(_ rect: Rect) -> Rect { rect.inset(by: 1) }

    /// Draws the border and titles; returns the inner area.
    @discardableResult
    public func draw(into screen: inout Screen, rect: Rect, glyphs: Glyphs) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let border = CellStyle.muted
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        for x in (rect.x + 1)..<right {
            screen[x, rect.y] = Screen.Cell(String(glyphs.horizontal), style: border)
            screen[x, bottom] = Screen.Cell(String(glyphs.horizontal), style: border)
        }
        for y in (rect.y + 1)..<bottom {
            screen[rect.x, y] = Screen.Cell(String(glyphs.vertical), style: border)
            screen[right, y] = Screen.Cell(String(glyphs.vertical), style: border)
        }
        screen[rect.x, rect.y] = Screen.Cell(String(glyphs.topLeft), style: border)
        screen[right, rect.y] = Screen.Cell(String(glyphs.topRight), style: border)
        screen[rect.x, bottom] = Screen.Cell(String(glyphs.bottomLeft), style: border)
        screen[right, bottom] = Screen.Cell(String(glyphs.bottomRight), style: border)
        let titleWidth = screen.put(
            " \(title) ", x: rect.x + 1, y: rect.y, style: .accent, maxWidth: max(0, rect.width - 2))
        if let note, rect.width > titleWidth + 6 {
            let text = " \(DisplayWidth.truncate(note, to: rect.width - titleWidth - 5)) "
            screen.putRight(text, x: rect.x + 1, y: rect.y, width: rect.width - 3, style: noteStyle)
        }
        return Self.inner(rect)
    }
}
