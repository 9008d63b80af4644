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

    /// The fingerprint of the name in `bytes`, in one pass: each byte's classes are looked up
    /// once (separator, digit, hex, token), a segment is judged when its separator comes, and a
    /// literal segment is hashed eight bytes at a time.
    public static func fingerprint(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        // An empty name is one empty literal segment, wherever its (absent) bytes are.
        guard let base = bytes.baseAddress else { return mixed(mixed(hash, 0), 0xFE) }
        let classes = classTable
        var start = 0
        var digits = 0
        var common: UInt8 = 0xFF
        for index in 0..<bytes.count {
            let byte = base[index]
            let kind = classes[Int(byte)]
            if kind & separatorClass != 0 {
                hash = mixed(segment: base + start, count: index - start, digits: digits, common: common, into: hash)
                hash = mixed(hash, UInt64(byte))
                start = index + 1
                digits = 0
                common = 0xFF
            } else {
                digits &+= Int(kind & 1)
                common &= kind
            }
        }
        hash = mixed(segment: base + start, count: bytes.count - start, digits: digits, common: common, into: hash)
        return mixed(hash, 0xFE)
    }

    @inline(__always)
    private static func mixed(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        let product = (hash ^ value) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }

    /// `hash` with one segment mixed in: `0xFF` for an id (never a byte of a word: "*" the id,
    /// not a literal "*"), else its bytes a word at a time and its length.
    @inline(__always)
    private static func mixed(
        segment: UnsafePointer<UInt8>, count: Int, digits: Int, common: UInt8, into hash: UInt64
    ) -> UInt64 {
        if isIdentifier(count: count, digits: digits, common: common) { return mixed(hash, 0x1FF) }
        var hash = mixed(hash, UInt64(count) << 9)
        let raw = UnsafeRawPointer(segment)
        var offset = 0
        while count - offset >= 8 {
            hash = mixed(hash, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(segment[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = mixed(hash, tail)
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
    /// (letters, digits, `+ = _ -`), ``separatorClass`` a separator.
    private static let byteClasses: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        let digit = byte >= 0x30 && byte <= 0x39
        let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
        let hexLetter = (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
        var classes: UInt8 = 0
        if digit { classes |= 1 }
        if digit || hexLetter || byte == 0x2D { classes |= 2 }
        if digit || letter || byte == 0x2B || byte == 0x3D || byte == 0x5F || byte == 0x2D { classes |= 4 }
        if byte == 0x3A || byte == 0x2E || byte == 0x2F || byte == 0x7C { classes |= separatorClass }
        return classes
    }

    /// The class of `:` `.` `/` `|`.
    private static let separatorClass: UInt8 = 8

    /// ``byteClasses`` where the hot loop reads it: allocated once for the process, never freed
    /// nor written after (so safe to share).
    nonisolated(unsafe) private static let classTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(from: byteClasses, count: 256)
        return UnsafePointer(table)
    }()

    /// Whether a segment looks like an id rather than a word: one pass over a table of byte
    /// classes, no allocation.
    static func isIdentifier(_ segment: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = 0
        var common: UInt8 = 0xFF
        let classes = classTable
        for byte in segment {
            let kind = classes[Int(byte)]
            digits &+= Int(kind & 1)
            common &= kind
        }
        return isIdentifier(count: segment.count, digits: digits, common: common)
    }

    /// Whether a segment of `count` bytes, `digits` of them digits, all sharing the classes in
    /// `common`, looks like an id.
    @inline(__always)
    private static func isIdentifier(count: Int, digits: Int, common: UInt8) -> Bool {
        guard count > 0 else { return false }
        let isHex = common & 2 != 0
        let isBase64 = common & 4 != 0
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
