/// The bytes received are not valid RESP: the connection that produced them cannot be trusted
/// any more and must be closed. (A server's `-ERR` reply is not this: it is a valid value.)
public struct RESPDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidTypeByte(UInt8)
        case invalidNumber(String)
        case invalidLength(String)
        case missingCRLF
        case lineTooLong(limit: Int)
        case bulkTooLarge(length: Int, limit: Int)
        case aggregateTooLarge(count: Int, limit: Int)
        case depthExceeded(limit: Int)
        case invalidBoolean
        case invalidDouble(String)
        case invalidNull
        case invalidVerbatim
        case misplacedPush
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    static func invalidTypeByte(_ byte: UInt8) -> Self { Self(.invalidTypeByte(byte)) }
    static func invalidNumber(_ text: String) -> Self { Self(.invalidNumber(text)) }
    static func invalidLength(_ text: String) -> Self { Self(.invalidLength(text)) }
    static let missingCRLF = Self(.missingCRLF)
    static func lineTooLong(limit: Int) -> Self { Self(.lineTooLong(limit: limit)) }
    static func bulkTooLarge(_ length: Int, limit: Int) -> Self { Self(.bulkTooLarge(length: length, limit: limit)) }
    static func aggregateTooLarge(_ count: Int, limit: Int) -> Self {
        Self(.aggregateTooLarge(count: count, limit: limit))
    }
    static func depthExceeded(limit: Int) -> Self { Self(.depthExceeded(limit: limit)) }
    static let invalidBoolean = Self(.invalidBoolean)
    static func invalidDouble(_ text: String) -> Self { Self(.invalidDouble(text)) }
    static let invalidNull = Self(.invalidNull)
    static let invalidVerbatim = Self(.invalidVerbatim)
    static let misplacedPush = Self(.misplacedPush)

    /// Whether the frame was rejected by a configured limit rather than by the grammar.
    public var isLimitExceeded: Bool {
        switch code {
        case .lineTooLong, .bulkTooLarge, .aggregateTooLarge, .depthExceeded: return true
        default: return false
        }
    }

    /// One line saying what was wrong; never includes payload bytes beyond a short, escaped excerpt.
    public var description: String {
        switch code {
        case .invalidTypeByte(let byte):
            return "invalid RESP type byte \(Self.show(byte))"
        case .invalidNumber(let text): return "invalid RESP number \"\(text)\""
        case .invalidLength(let text): return "invalid RESP length \"\(text)\""
        case .missingCRLF: return "RESP frame not terminated by CRLF"
        case .lineTooLong(let limit): return "RESP line longer than \(limit) bytes"
        case .bulkTooLarge(let length, let limit): return "RESP bulk of \(length) bytes exceeds the limit of \(limit)"
        case .aggregateTooLarge(let count, let limit):
            return "RESP aggregate of \(count) elements exceeds the limit of \(limit)"
        case .depthExceeded(let limit): return "RESP nesting deeper than \(limit) levels"
        case .invalidBoolean: return "invalid RESP boolean (expected #t or #f)"
        case .invalidDouble(let text): return "invalid RESP double \"\(text)\""
        case .invalidNull: return "invalid RESP null (expected _ with nothing before CRLF)"
        case .invalidVerbatim: return "invalid RESP verbatim string (expected a 3-letter format and ':')"
        case .misplacedPush: return "RESP push inside another value (pushes are frames of their own)"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        let hex = "0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        if byte >= 0x20 && byte < 0x7F { return "\(hex) ('\(Character(Unicode.Scalar(byte)))')" }
        return hex
    }

    /// A short printable excerpt of untrusted bytes for error messages.
    static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes.prefix(24) {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "\"") {
                text.append(Character(Unicode.Scalar(byte)))
            } else {
                text += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        return bytes.count > 24 ? text + "…" : text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
