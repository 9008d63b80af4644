/// A filled area graph of a series, two points per cell column and four dot rows per cell
/// (braille), newest point at the right. A failed poll leaves its column empty with a gap mark
/// on the baseline; a value that is merely undefined (no traffic) leaves it empty.
public struct BrailleGraph: Sendable {
    /// The series, oldest first; `nil` means no value.
    public var values: [Double?]
    /// Whether each point is a failed poll (aligned with `values`; shorter means none failed).
    public var failed: [Bool]
    /// The value drawn at the top of the area.
    public var maximum: Double
    /// The dot style.
    public var style: CellStyle

    /// Creates a graph.
    public init(values: [Double?], failed: [Bool] = [], maximum: Double, style: CellStyle = CellStyle(.graph)) {
        self.values = values
        self.failed = failed
        self.maximum = maximum > 0 ? maximum : 1
        self.style = style
    }

    /// Draws the graph into `rect`.
    public func draw(into screen: inout Screen, rect: Rect, glyphs: Glyphs) {
        guard rect.width > 0, rect.height > 0 else { return }
        let pointsPerCell = glyphs.braille ? 2 : 1
        let dotRows = glyphs.braille ? 4 : 2
        let capacity = rect.width * pointsPerCell
        let shown = Array(values.suffix(capacity))
        let shownFailed = Array(failed.suffix(values.count).suffix(capacity))
        let offset = capacity - shown.count  // right-align: the newest point is at the right edge
        let totalDots = rect.height * dotRows

        func dots(at index: Int) -> Int? {
            let position = index - offset
            guard position >= 0, position < shown.count, let value = shown[position], value.isFinite else { return nil }
            guard value > 0 else { return 0 }
            let scaled = Int((min(value, maximum) / maximum * Double(totalDots)).rounded())
            return max(1, scaled)  // any non-zero value shows at least one dot
        }
        func isFailure(at index: Int) -> Bool {
            let position = index - offset
            return position >= 0 && position < shownFailed.count && shownFailed[position]
        }

        for column in 0..<rect.width {
            let first = column * pointsPerCell
            let heights = (0..<pointsPerCell).map { dots(at: first + $0) }
            let failedColumn = (0..<pointsPerCell).contains { isFailure(at: first + $0) }
            for row in 0..<rect.height {
                let rowFromBottom = rect.height - 1 - row
                let base = rowFromBottom * dotRows
                let cellX = rect.x + column
                let cellY = rect.y + row
                if failedColumn && rowFromBottom == 0 {
                    screen[cellX, cellY] = Screen.Cell(String(glyphs.gap), style: CellStyle(.crit))
                    continue
                }
                if glyphs.braille {
                    var bits = 0
                    for (side, height) in heights.enumerated() {
                        guard let height else { continue }
                        for dot in 0..<4 where base + dot < height {
                            bits |= Self.brailleBit(side: side, rowFromBottom: dot)
                        }
                    }
                    if bits != 0, let scalar = Unicode.Scalar(0x2800 + bits) {
                        screen[cellX, cellY] = Screen.Cell(String(Character(scalar)), style: style)
                    }
                } else if let height = heights[0] {
                    let filled = height - base
                    if filled >= 2 {
                        screen[cellX, cellY] = Screen.Cell(":", style: style)
                    } else if filled == 1 {
                        screen[cellX, cellY] = Screen.Cell(".", style: style)
                    }
                }
            }
        }
    }

    /// The bit of a braille cell for a dot in column `side` (0 left, 1 right), counted from the
    /// bottom dot row (0) to the top (3).
    static func brailleBit(side: Int, rowFromBottom: Int) -> Int {
        let left = [0x40, 0x04, 0x02, 0x01]
        let right = [0x80, 0x20, 0x10, 0x08]
        return side == 0 ? left[rowFromBottom] : right[rowFromBottom]
    }
}
