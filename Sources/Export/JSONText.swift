import Foundation

/// Minimal JSON scalar encoding for line output (no dependency, no reordering).
public enum JSONText {
    /// A JSON string literal with the required escapes.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON number: integers without a fraction, others with up to 6 significant decimals.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() || abs(value) >= 1e5, abs(value) < 1e15 { return String(Int64(value.rounded())) }
        var text = String(format: "%.6g", value)
        if text.contains("e") { text = String(value) }
        return text
    }
}

/// logfmt value quoting.
public enum LogfmtText {
    /// The value bare when it has no space, quote or `=`; else quoted with escapes.
    public static func value(_ text: String) -> String {
        let needsQuotes =
            text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.isNewline }
        return needsQuotes ? JSONText.string(text) : text
    }
}
