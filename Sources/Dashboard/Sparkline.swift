/// One row of level characters (`▁▂▃▄▅▆▇█`), newest at the right; `nil` is a blank.
public struct Sparkline: Sendable {
    /// The series, oldest first.
    public var values: [Double?]
    /// The value of the highest level; by default the largest value shown.
    public var maximum: Double?
    /// The style.
    public var style: CellStyle

    /// Creates a sparkline.
    public init(values: [Double?], maximum: Double? = nil, style: CellStyle = CellStyle(.graph)) {
        self.values = values
        self.maximum = maximum
        self.style = style
    }

    /// Draws into the first row of `rect`.
    public func draw(into screen: inout Screen, rect: Rect, glyphs: Glyphs) {
        let shown = Array(values.suffix(rect.width))
        let top = maximum ?? shown.compactMap { $0 }.max() ?? 1
        let offset = rect.width - shown.count
        for (index, value) in shown.enumerated() {
            guard let value else { continue }
            screen[rect.x + offset + index, rect.y] = Screen.Cell(
                String(Self.level(value, top: top, glyphs: glyphs)), style: style)
        }
    }

    /// The sparkline of `values` as text, one level character per value, `maximum` (by default
    /// the largest value) at the highest level; all zeros: the lowest.
    public static func text(_ values: [Double], maximum: Double? = nil, glyphs: Glyphs) -> String {
        let top = maximum ?? values.max() ?? 0
        return String(values.map { level($0, top: top, glyphs: glyphs) })
    }

    /// The level character of `value` on a scale whose highest level is `top`.
    private static func level(_ value: Double, top: Double, glyphs: Glyphs) -> Character {
        let level = top > 0 ? Int((min(value, top) / top * Double(glyphs.levels.count - 1)).rounded()) : 0
        return glyphs.levels[max(0, level)]
    }
}
