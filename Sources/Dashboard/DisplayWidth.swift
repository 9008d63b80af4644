/// Terminal column widths of characters: 2 for East Asian wide characters and emoji, 0 for
/// combining marks and controls, 1 for everything else (an approximation of `wcwidth`).
public enum DisplayWidth {
    /// Columns taken by `character`.
    public static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark { return 0 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Columns taken by `text`.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// `text` cut to at most `columns` columns, with `…` marking a cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        guard of(text) > columns else { return text }
        var result = ""
        var used = 0
        for character in text {
            let width = of(character)
            if used + width > columns - 1 { break }
            result.append(character)
            used += width
        }
        return result + "…"
    }

    /// `text` broken at spaces into lines of at most `columns` columns, at most `maxLines` of
    /// them (the last cut with `…` when the text does not fit); a word longer than a line is cut.
    public static func wrap(_ text: String, to columns: Int, maxLines: Int) -> [String] {
        guard columns > 0, maxLines > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        var words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)[...]
        while let word = words.first {
            let candidate = current.isEmpty ? word : current + " " + word
            if of(candidate) <= columns {
                current = candidate
                words = words.dropFirst()
                continue
            }
            if current.isEmpty {
                // A word wider than the line: cut it.
                current = truncate(word, to: columns)
                words = words.dropFirst()
            }
            if lines.count == maxLines - 1 {
                let rest = ([current] + words).joined(separator: " ")
                lines.append(truncate(rest, to: columns))
                return lines
            }
            lines.append(current)
            current = ""
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
