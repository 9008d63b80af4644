/// A horizontal bar for a ratio, coloured by thresholds: `████████░░░░ 62%`.
public struct Gauge: Sendable {
    /// The ratio, 0…1 (clipped); `nil` draws an empty, muted bar.
    public var ratio: Double?
    /// From this ratio the bar is `warn`.
    public var warnAt: Double
    /// From this ratio the bar is `crit`.
    public var critAt: Double

    /// Creates a gauge.
    public init(ratio: Double?, warnAt: Double = 0.75, critAt: Double = 0.9) {
        self.ratio = ratio
        self.warnAt = warnAt
        self.critAt = critAt
    }

    /// The role for the current ratio.
    public var role: StyleRole {
        guard let ratio else { return .muted }
        return ratio >= critAt ? .crit : ratio >= warnAt ? .warn : .ok
    }

    /// Draws the bar in one row of `rect`, the percentage at its right end.
    public func draw(into screen: inout Screen, rect: Rect, glyphs: Glyphs) {
        guard rect.width > 0, rect.height > 0 else { return }
        let label = ratio.map { " " + String(Int(($0 * 100).rounded())) + "%" } ?? " -"
        let barWidth = max(0, rect.width - label.count)
        let filled = Int(((ratio ?? 0).clamped * Double(barWidth)).rounded())
        for column in 0..<barWidth {
            let isFilled = column < filled
            screen[rect.x + column, rect.y] = Screen.Cell(
                String(isFilled ? glyphs.gaugeFull : glyphs.gaugeEmpty), style: CellStyle(isFilled ? role : .muted))
        }
        screen.put(label, x: rect.x + barWidth, y: rect.y, style: CellStyle(role, bold: true))
    }
}

extension Double {
    fileprivate var clamped: Double { Swift.min(1, Swift.max(0, self)) }
}
