import Foundation
import Telemetry

/// Stable stand-ins for key names (`--redact-keys`): the same name gives the same token in
/// every export and every run, so rows can still be joined, but the name cannot be read back.
public enum KeyRedaction {
    /// `key#` and 16 hex digits of the name's 64-bit FNV-1a hash.
    public static func token(for name: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return "key#" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// A key as text exports show it: escaped for display (`redis-cli` style), or its token
    /// when keys are redacted.
    public static func shown(_ name: [UInt8], redacting: Bool) -> String {
        redacting ? token(for: name) : KeyName.escaped(name)
    }

    /// A key as CSV exports hold it: `key` (the name as text when it is valid UTF-8, else
    /// escaped) and `key_hex` (its exact bytes), or the token and nothing when keys are redacted.
    static func csvCells(_ name: [UInt8], redacting: Bool) -> [CSVTable.Cell] {
        if redacting { return [.text(token(for: name)), .text("")] }
        let text = String(validating: name, as: UTF8.self) ?? KeyName.escaped(name)
        return [.text(text), .text(name.map { String(format: "%02x", $0) }.joined())]
    }

    /// A namespace as redacted exports show it: a pattern (`user:*:profile`, ids already gone)
    /// and `(other)` as they are, a literal key name as its token.
    public static func namespace(_ pattern: String) -> String {
        guard !pattern.contains("*"), pattern != "(other)" else { return pattern }
        return token(for: Array(pattern.utf8))
    }
}
