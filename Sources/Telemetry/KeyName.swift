/// Display rules for key names and other untrusted bytes.
public enum KeyName {
    /// Escapes bytes for one-line display, like `redis-cli`: printable UTF-8 as is, `\n`, `\r`,
    /// `\t`, `\"` and `\\` escaped, other bytes as `\xNN`; wrapped in quotes when it has to be.
    public static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        var needsQuotes = bytes.isEmpty
        let decoded = String(validating: bytes, as: UTF8.self)
        if let decoded {
            for scalar in decoded.unicodeScalars {
                switch scalar {
                case "\n": text += "\\n"; needsQuotes = true
                case "\r": text += "\\r"; needsQuotes = true
                case "\t": text += "\\t"; needsQuotes = true
                case "\"": text += "\\\""; needsQuotes = true
                case "\\": text += "\\\\"; needsQuotes = true
                case " ": text += " "; needsQuotes = true
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                        text += hex(scalar.value)
                        needsQuotes = true
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            }
        } else {
            needsQuotes = true
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): text += "\\\""
                case UInt8(ascii: "\\"): text += "\\\\"
                case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
                default: text += hex(UInt32(byte))
                }
            }
        }
        return needsQuotes ? "\"\(text)\"" : text
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\x" + (digits.count < 2 ? "0" + digits : digits)
    }
}
