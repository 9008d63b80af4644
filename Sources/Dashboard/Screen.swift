/// A virtual terminal screen: a grid of cells, each a character with a style. Views draw into
/// it; the terminal layer copies it to the real terminal, redrawing only the cells that changed.
public struct Screen: Sendable, Equatable {
    /// One cell. A wide character takes its cell and leaves the next one empty (`""`).
    public struct Cell: Sendable, Hashable {
        /// The text of the cell: one character, or `""` after a wide character.
        public var text: String
        /// How it is drawn.
        public var style: CellStyle

        /// Creates a cell.
        public init(_ text: String = " ", style: CellStyle = .normal) {
            self.text = text
            self.style = style
        }
    }

    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Cells, row by row.
    public private(set) var cells: [Cell]

    /// A blank screen.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    /// The whole screen as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (`x`, `y`) rightwards, clipped to `maxWidth` columns and the screen;
    /// returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width - x, maxWidth ?? Int.max)
        var column = 0
        for character in text {
            let columns = DisplayWidth.of(character)
            guard columns > 0 else { continue }
            guard column + columns <= limit else { break }
            if x + column >= 0 {
                self[x + column, y] = Cell(String(character), style: style)
                if columns == 2 { self[x + column + 1, y] = Cell("", style: style) }
            }
            column += columns
        }
        return column
    }

    /// Writes `text` right-aligned so that it ends at column `x + width - 1`.
    public mutating func putRight(_ text: String, x: Int, y: Int, width: Int, style: CellStyle = .normal) {
        let length = DisplayWidth.of(text)
        put(text, x: x + max(0, width - length), y: y, style: style, maxWidth: width)
    }

    /// Fills a rectangle with one character.
    public mutating func fill(_ rect: Rect, with character: Character = " ", style: CellStyle = .normal) {
        for row in rect.y..<(rect.y + rect.height) {
            for column in rect.x..<(rect.x + rect.width) {
                self[column, row] = Cell(String(character), style: style)
            }
        }
    }

    /// The text of row `y`, trailing spaces removed.
    public func text(ofRow y: Int) -> String {
        var line = ""
        for x in 0..<width { line += self[x, y].text }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    /// All rows as text, one line each: what a person reads, for golden snapshots.
    public var text: String {
        (0..<height).map(text(ofRow:)).joined(separator: "\n")
    }
}
