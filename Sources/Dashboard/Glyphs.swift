/// The characters widgets draw with: Unicode (braille, box drawing, blocks) or plain ASCII
/// for terminals whose locale is not UTF-8.
public struct Glyphs: Sendable, Hashable {
    /// Whether braille dots are available (else graphs use ASCII marks).
    public let braille: Bool
    /// Box corners and lines: ┌ ┐ └ ┘ ─ │.
    public let topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character
    /// Horizontal and vertical lines.
    public let horizontal: Character, vertical: Character
    /// A full and an empty gauge cell.
    public let gaugeFull: Character, gaugeEmpty: Character
    /// Sparkline levels, lowest first.
    public let levels: [Character]
    /// Marks a gap (a failed poll) at the bottom of a graph.
    public let gap: Character
    /// The status dot.
    public let dot: Character
    /// Up and down sort arrows.
    public let sortDescending: Character, sortAscending: Character

    /// Unicode glyphs.
    public static let unicode = Glyphs(
        braille: true, topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
        gaugeFull: "█", gaugeEmpty: "░", levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], gap: "╳", dot: "●",
        sortDescending: "▼", sortAscending: "▲")

    /// ASCII glyphs.
    public static let ascii = Glyphs(
        braille: false, topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        gaugeFull: "#", gaugeEmpty: ".", levels: ["_", ".", "-", "=", "+", "*", "#", "@"], gap: "x", dot: "*",
        sortDescending: "v", sortAscending: "^")
}
