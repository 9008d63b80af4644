/// How views draw: which glyphs, and whether colour is used (the terminal maps roles to
/// colours; without colour it uses bold and reverse only).
public struct Theme: Sendable, Hashable {
    /// The glyph set.
    public var glyphs: Glyphs
    /// Whether colours are used (`NO_COLOR` and `--no-color` turn them off).
    public var usesColor: Bool

    /// Creates a theme.
    public init(glyphs: Glyphs = .unicode, usesColor: Bool = true) {
        self.glyphs = glyphs
        self.usesColor = usesColor
    }

    /// Unicode glyphs with colour.
    public static let standard = Theme()
}
