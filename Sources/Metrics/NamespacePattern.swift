import Foundation

/// Turns key names into namespaces: split on `:` `.` `/` `|`, and collapse segments that are
/// ids — numbers, UUIDs, hex or base64-like tokens — to `*`, so `user:42:profile` becomes
/// `user:*:profile` and `session:9f86d081884c7d65` becomes `session:*`.
public enum NamespacePattern {
    private static let separators: Set<UInt8> = [
        UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "|"),
    ]

    /// The namespace of a key name (bytes kept as they are, escaped only for display).
    public static func of(_ name: [UInt8]) -> String {
        var result = ""
        var segment: [UInt8] = []
        for byte in name {
            if separators.contains(byte) {
                result += collapse(segment) + String(Character(Unicode.Scalar(byte)))
                segment = []
            } else {
                segment.append(byte)
            }
        }
        result += collapse(segment)
        return result
    }

    private static func collapse(_ segment: [UInt8]) -> String {
        isIdentifier(segment) ? "*" : KeyNameText.display(segment)
    }

    /// Whether a segment looks like an id rather than a word.
    static func isIdentifier(_ segment: [UInt8]) -> Bool {
        guard !segment.isEmpty else { return false }
        let digits = segment.filter { $0 >= 0x30 && $0 <= 0x39 }.count
        if digits == segment.count { return true }  // 42, 1700000000
        let isHex = segment.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) || $0 == 0x2D
        }
        if isHex && segment.count >= 8 && digits > 0 { return true }  // 9f86d081…, UUIDs
        let base64 = segment.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == 0x2B || $0 == 0x3D || $0 == 0x5F || $0 == 0x2D
        }
        let letters = segment.count - digits
        if base64 && segment.count >= 16 && digits > 0 && letters > 0 { return true }  // tokens
        // A word followed by a number, like "v2" or "shard17", stays; "u123456" (mostly digits) collapses.
        if base64 && digits * 2 > segment.count && segment.count >= 4 { return true }
        return false
    }
}

/// Display of raw name bytes inside metrics (the Telemetry target has the full escaping).
enum KeyNameText {
    static func display(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 })
        {
            return text
        }
        return bytes.map { byte in
            byte >= 0x20 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : String(format: "\\x%02x", byte)
        }.joined()
    }
}
