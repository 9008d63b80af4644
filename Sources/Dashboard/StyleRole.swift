/// What a cell means, not what colour it is: the terminal maps roles to colours (or to plain
/// attributes under `NO_COLOR`), so widgets never name a colour.
public enum StyleRole: UInt8, CaseIterable, Sendable, Hashable {
    /// Ordinary text.
    case normal
    /// Secondary text: labels, units, borders, hints.
    case muted
    /// Headings, titles and the selected tab.
    case accent
    /// A healthy value.
    case ok
    /// A value that needs a look.
    case warn
    /// A value that needs action now.
    case crit
    /// Graph dots.
    case graph
    /// A second series in the same graph.
    case graphAlternate
    /// The selected table row and the status bar.
    case selected
}

/// A role plus emphasis.
public struct CellStyle: Sendable, Hashable {
    /// The role.
    public var role: StyleRole
    /// Bold (bright) text.
    public var bold: Bool

    /// Creates a style.
    public init(_ role: StyleRole = .normal, bold: Bool = false) {
        self.role = role
        self.bold = bold
    }

    /// Ordinary text.
    public static let normal = CellStyle()
    /// Secondary text.
    public static let muted = CellStyle(.muted)
    /// Headings.
    public static let accent = CellStyle(.accent, bold: true)
}
