/// A table with a header row, fixed or flexible columns, a sort marker, a selected row and
/// scrolling that keeps the selection visible.
public struct Table: Sendable {
    /// A column.
    public struct Column: Sendable {
        /// The header.
        public var title: String
        /// Columns of width; `nil` shares the rest of the row with other flexible columns.
        public var width: Int?
        /// Right-aligned (numbers) or left-aligned (text).
        public var alignRight: Bool

        /// Creates a column.
        public init(_ title: String, width: Int? = nil, alignRight: Bool = false) {
            self.title = title
            self.width = width
            self.alignRight = alignRight
        }
    }

    /// The columns.
    public var columns: [Column]
    /// The rows, one string per column.
    public var rows: [[String]]
    /// Per-row styles (defaults to normal).
    public var rowStyles: [CellStyle]
    /// The sorted column and direction, shown in its header.
    public var sort: (column: Int, descending: Bool)?
    /// The selected row, highlighted.
    public var selected: Int?
    /// What to show when there are no rows.
    public var emptyText: String

    /// Creates a table.
    public init(
        columns: [Column], rows: [[String]], rowStyles: [CellStyle] = [], sort: (column: Int, descending: Bool)? = nil,
        selected: Int? = nil, emptyText: String = "nothing to show"
    ) {
        self.columns = columns
        self.rows = rows
        self.rowStyles = rowStyles
        self.sort = sort
        self.selected = selected
        self.emptyText = emptyText
    }

    /// Draws the header in the first row of `rect` and as many rows as fit below it.
    public func draw(into screen: inout Screen, rect: Rect, glyphs: Glyphs) {
        guard rect.height > 0, rect.width > 0 else { return }
        let widths = columnWidths(total: rect.width)
        var x = rect.x
        for (index, column) in columns.enumerated() {
            var title = column.title
            if let sort, sort.column == index {
                title += String(sort.descending ? glyphs.sortDescending : glyphs.sortAscending)
            }
            draw(
                title, in: Rect(x: x, y: rect.y, width: widths[index], height: 1), right: column.alignRight,
                style: .muted, screen: &screen)
            x += widths[index] + 1
        }
        let visibleRows = rect.height - 1
        guard visibleRows > 0 else { return }
        guard !rows.isEmpty else {
            screen.put(emptyText, x: rect.x, y: rect.y + 1, style: .muted, maxWidth: rect.width)
            return
        }
        // Scroll so that the selected row stays visible.
        let first = selected.map { max(0, min($0 - visibleRows + 1, rows.count - visibleRows)) } ?? 0
        for (line, rowIndex) in (first..<min(rows.count, first + visibleRows)).enumerated() {
            let y = rect.y + 1 + line
            let isSelected = rowIndex == selected
            let style = isSelected ? CellStyle(.selected) : (rowIndex < rowStyles.count ? rowStyles[rowIndex] : .normal)
            if isSelected { screen.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: style) }
            var cellX = rect.x
            for (index, column) in columns.enumerated() {
                let text = index < rows[rowIndex].count ? rows[rowIndex][index] : ""
                draw(
                    text, in: Rect(x: cellX, y: y, width: widths[index], height: 1), right: column.alignRight,
                    style: style, screen: &screen)
                cellX += widths[index] + 1
            }
        }
        if rows.count > visibleRows {
            let note = " \(first + 1)-\(min(rows.count, first + visibleRows))/\(rows.count) "
            screen.putRight(note, x: rect.x, y: rect.y + rect.height, width: rect.width, style: .muted)
        }
    }

    private func columnWidths(total: Int) -> [Int] {
        let gaps = max(0, columns.count - 1)
        let fixed = columns.compactMap(\.width).reduce(0, +)
        let flexibleCount = columns.filter { $0.width == nil }.count
        let rest = max(0, total - fixed - gaps)
        return columns.enumerated().map { index, column in
            if let width = column.width { return width }
            let share = flexibleCount > 0 ? rest / flexibleCount : 0
            let isLastFlexible = columns[(index + 1)...].allSatisfy { $0.width != nil }
            return isLastFlexible ? rest - share * (flexibleCount - 1) : share
        }
    }

    private func draw(_ text: String, in rect: Rect, right: Bool, style: CellStyle, screen: inout Screen) {
        let clipped = DisplayWidth.truncate(text, to: rect.width)
        if right {
            screen.putRight(clipped, x: rect.x, y: rect.y, width: rect.width, style: style)
        } else {
            screen.put(clipped, x: rect.x, y: rect.y, style: style, maxWidth: rect.width)
        }
    }
}
