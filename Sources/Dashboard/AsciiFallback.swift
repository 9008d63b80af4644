/// Plain-ASCII stand-ins for the few non-ASCII characters views use in text (separators,
/// ellipses, arrows), for terminals whose locale is not UTF-8. Graph glyphs come from
/// ``Glyphs/ascii`` instead; anything else unknown becomes `?`.
public enum AsciiFallback {
    /// `text` with every non-ASCII character replaced.
    public static func transliterate(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        return String(text.map(transliterate))
    }

    /// The ASCII stand-in of one character.
    public static func transliterate(_ character: Character) -> Character {
        if character.isASCII { return character }
        switch character {
        case "·", "•", "●": return "*"
        case "…": return "~"
        case "×", "╳": return "x"
        case "▼", "↓": return "v"
        case "▲", "↑": return "^"
        case "─", "━", "╌": return "-"
        case "│", "┃": return "|"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "█", "▇", "▆": return "#"
        case "▅", "▄", "▃": return "="
        case "▂", "▁", "░": return "."
        default:
            if let scalar = character.unicodeScalars.first, (0x2800...0x28FF).contains(scalar.value) {
                return scalar.value == 0x2800 ? " " : ":"
            }
            return "?"
        }
    }
}
