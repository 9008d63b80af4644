import Foundation

/// Turns key names into namespaces: split on `:` `.` `/` `|`, and collapse segments that are
/// ids — numbers, UUIDs, hex or base64-like tokens — to `*`, so `user:42:profile` becomes
/// `user:*:profile` and `session:9f86d081884c7d65` becomes `session:*`.
public enum NamespacePattern {
    /// The namespace of a key name (bytes kept as they are, escaped only for display).
    public static func of(_ name: [UInt8]) -> String {
        var result = ""
        name.withUnsafeBufferPointer { bytes in
            forEachSegment(bytes) { start, end, separator in
                let segment = UnsafeBufferPointer(rebasing: bytes[start..<end])
                result += isIdentifier(segment) ? "*" : KeyNameText.display(Array(segment))
                if let separator { result.append(Character(Unicode.Scalar(separator))) }
            }
        }
        return result
    }

    /// A 64-bit fingerprint of the namespace of `name`, computed without building it: equal
    /// namespaces have equal fingerprints, so a model can find a key's namespace with no
    /// allocation and build the pattern text once per namespace.
    public static func fingerprint(of name: [UInt8]) -> UInt64 {
        name.withUnsafeBufferPointer { fingerprint(of: $0) }
    }

    /// The fingerprint of the name in `bytes`.
    public static func fingerprint(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        forEachSegment(bytes) { start, end, separator in
            let segment = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if isIdentifier(segment) {
                mix(0xFF)  // never a byte of a word: "*" the id, not a literal "*"
            } else {
                for byte in segment { mix(byte) }
            }
            mix(separator ?? 0xFE)
        }
        return hash
    }

    /// Calls `body` with each segment's bounds and the separator after it (`nil` for the last).
    @inline(__always)
    private static func forEachSegment(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, UInt8?) -> Void
    ) {
        var start = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            if byte == 0x3A || byte == 0x2E || byte == 0x2F || byte == 0x7C {  // : . / |
                body(start, index, byte)
                start = index + 1
            }
        }
        body(start, bytes.count, nil)
    }

    /// Each byte's classes: 1 a digit, 2 a hex digit or `-`, 4 a base64 or token character
    /// (letters, digits, `+ = _ -`).
    private static let byteClasses: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        let digit = byte >= 0x30 && byte <= 0x39
        let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
        let hexLetter = (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
        var classes: UInt8 = 0
        if digit { classes |= 1 }
        if digit || hexLetter || byte == 0x2D { classes |= 2 }
        if digit || letter || byte == 0x2B || byte == 0x3D || byte == 0x5F || byte == 0x2D { classes |= 4 }
        return classes
    }

    /// Whether a segment looks like an id rather than a word: one pass over a table of byte
    /// classes, no allocation.
    static func isIdentifier(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !segment.isEmpty else { return false }
        var digits = 0
        var common: UInt8 = 0xFF
        byteClasses.withUnsafeBufferPointer { table in
            for byte in segment {
                let classes = table[Int(byte)]
                digits &+= Int(classes & 1)
                common &= classes
            }
        }
        let isHex = common & 2 != 0
        let isBase64 = common & 4 != 0
        let count = segment.count
        if digits == count { return true }  // 42, 1700000000
        // 9f86d081…, UUIDs — and hex ids that happen to have no digit (dbaaddcc: 1 in 7 of
        // 8-character ones; a word made only of the letters a–f is seldom that long).
        if isHex && count >= 8 { return true }
        let letters = count - digits
        if isBase64 && count >= 16 && digits > 0 && letters > 0 { return true }  // tokens
        // A word followed by a number, like "v2" or "shard17", stays; "u123456" (mostly digits) collapses.
        if isBase64 && digits * 2 > count && count >= 4 { return true }
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
