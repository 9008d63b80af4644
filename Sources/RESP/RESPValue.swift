import NIOCore

/// One decoded RESP2 or RESP3 value.
///
/// Byte payloads (bulk strings, bulk errors, verbatim text) stay as `ByteBuffer`s so that
/// binary key names survive untouched; use ``stringValue`` when text is expected.
/// `debugDescription` never prints a bulk payload, only its size, so logging a reply cannot
/// leak cached data.
public enum RESPValue: Sendable, Hashable {
    /// `+OK` — a short status line.
    case simpleString(String)
    /// `-ERR message` — a server error line (RESP2 and RESP3).
    case simpleError(String)
    /// `:42` — a signed 64-bit integer.
    case integer(Int64)
    /// `$5\r\nhello` — a binary-safe string.
    case bulkString(ByteBuffer)
    /// `_`, `$-1` or `*-1` — the null of either protocol version.
    case null
    /// `#t` / `#f` (RESP3).
    case boolean(Bool)
    /// `,3.14`, `,inf`, `,-inf`, `,nan` (RESP3).
    case double(Double)
    /// `(3492890328409238509324850943850943825024385` — the decimal digits, sign included (RESP3).
    case bigNumber(String)
    /// `!21\r\nSYNTAX invalid syntax` — a binary-safe error (RESP3).
    case bulkError(ByteBuffer)
    /// `=15\r\ntxt:Some string` — text with a three-letter format such as `txt` or `mkd` (RESP3).
    case verbatimString(format: String, text: ByteBuffer)
    /// `*2\r\n…` — an ordered list.
    case array([RESPValue])
    /// `%1\r\n…` — key/value pairs in server order (RESP3).
    case map([RESPPair])
    /// `~2\r\n…` — an unordered collection (RESP3).
    case set([RESPValue])
    /// `|1\r\n…` followed by a value — auxiliary data attached to the value that follows (RESP3).
    indirect case attributed(attributes: [RESPPair], value: RESPValue)
    /// `>3\r\n…` — out-of-band data, not a reply to a command (RESP3).
    case push([RESPValue])
}

/// A key/value entry of a RESP3 map or attribute.
public struct RESPPair: Sendable, Hashable {
    /// The key.
    public var key: RESPValue
    /// The value.
    public var value: RESPValue

    /// Creates a pair.
    public init(key: RESPValue, value: RESPValue) {
        self.key = key
        self.value = value
    }
}

extension RESPValue {
    /// The value with any RESP3 attribute wrapper removed.
    public var withoutAttributes: RESPValue {
        if case .attributed(_, let value) = self { return value.withoutAttributes }
        return self
    }

    /// The text of a simple string, bulk string or verbatim string (decoded as UTF-8,
    /// invalid sequences repaired), the decimal form of an integer; `nil` for anything else.
    public var stringValue: String? {
        switch withoutAttributes {
        case .simpleString(let text): return text
        case .bulkString(let buffer): return String(buffer: buffer)
        case .verbatimString(_, let buffer): return String(buffer: buffer)
        case .integer(let number): return String(number)
        case .bigNumber(let digits): return digits
        default: return nil
        }
    }

    /// The raw bytes of a bulk, simple or verbatim string; `nil` for anything else.
    public var bytes: [UInt8]? {
        switch withoutAttributes {
        case .simpleString(let text): return Array(text.utf8)
        case .bulkString(let buffer), .verbatimString(_, let buffer): return Array(buffer.readableBytesView)
        default: return nil
        }
    }

    /// An integer reply, or a string reply holding a decimal integer (RESP2 servers send
    /// numbers inside bulk strings in many places).
    public var intValue: Int64? {
        switch withoutAttributes {
        case .integer(let number): return number
        case .bigNumber(let digits): return Int64(digits)
        case .simpleString, .bulkString: return stringValue.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The elements of an array, set or push; the flattened keys and values of a map
    /// (RESP2 sends maps as flat arrays, so callers can read both the same way); `nil` otherwise.
    public var elements: [RESPValue]? {
        switch withoutAttributes {
        case .array(let values), .set(let values), .push(let values): return values
        case .map(let pairs): return pairs.flatMap { [$0.key, $0.value] }
        default: return nil
        }
    }

    /// The error text of a simple or bulk error; `nil` for anything else.
    public var errorMessage: String? {
        switch withoutAttributes {
        case .simpleError(let message): return message
        case .bulkError(let buffer): return String(buffer: buffer)
        default: return nil
        }
    }

    /// Whether this is the null of either protocol version.
    public var isNull: Bool {
        if case .null = withoutAttributes { return true }
        return false
    }
}

extension RESPValue: CustomDebugStringConvertible {
    /// A structural description that shows sizes instead of bulk payloads.
    public var debugDescription: String {
        switch self {
        case .simpleString(let text): return "+\(text)"
        case .simpleError(let message): return "-\(message)"
        case .integer(let number): return ":\(number)"
        case .bulkString(let buffer): return "<bulk \(buffer.readableBytes) bytes>"
        case .null: return "null"
        case .boolean(let flag): return flag ? "#t" : "#f"
        case .double(let number): return ",\(number)"
        case .bigNumber(let digits): return "(\(digits)"
        case .bulkError(let buffer): return "<bulk error \(buffer.readableBytes) bytes>"
        case .verbatimString(let format, let buffer): return "<verbatim \(format) \(buffer.readableBytes) bytes>"
        case .array(let values): return "[" + values.map(\.debugDescription).joined(separator: ", ") + "]"
        case .set(let values): return "~[" + values.map(\.debugDescription).joined(separator: ", ") + "]"
        case .push(let values): return ">[" + values.map(\.debugDescription).joined(separator: ", ") + "]"
        case .map(let pairs):
            return "{"
                + pairs.map { "\($0.key.debugDescription): \($0.value.debugDescription)" }.joined(separator: ", ") + "}"
        case .attributed(let attributes, let value):
            return "|\(attributes.count) attributes| \(value.debugDescription)"
        }
    }
}
