/// One command of `MONITOR`'s stream, as much of it as a profile keeps: when, which database,
/// which client, the command's name and the keys it names. Everything after the keys — the
/// values written, a script's body, `AUTH`'s arguments — is stepped over without being decoded
/// or copied, and never leaves the parser.
///
/// A line reads `1700000000.123456 [0 127.0.0.1:50312] "SET" "user:42" "value"`; the client is
/// `lua` inside a script and `unix:/path` on a socket, and arguments are quoted with `\"`,
/// `\\`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xhh` escapes.
public struct MonitorLine: Sendable, Hashable {
    /// The server's time of the command, in seconds since 1970.
    public let time: Double
    /// The database the command ran in.
    public let database: Int
    /// The client as the server printed it (`127.0.0.1:50312`, `lua`, `unix:/tmp/redis.sock`).
    public let client: [UInt8]
    /// The command's name, in upper case (at most 32 characters).
    public let command: String
    /// The keys it names, for a data command (see ``TrafficCommand``); none otherwise.
    public let keys: [[UInt8]]

    /// Commands whose lines are dropped whole: they carry credentials (servers print them
    /// redacted or not at all, and a profile does not even count them).
    static let hidden: Set<String> = ["AUTH", "HELLO", "MIGRATE", "CONFIG", "ACL"]

    /// Parses one line (the simple string's bytes); `nil` for a line that is not a command in
    /// this format, or a command that is never shown (``hidden``).
    public init?(_ line: some Collection<UInt8>) {
        var reader = MonitorLineReader(Array(line))
        guard let time = reader.number(), reader.skip(" ["), let database = reader.integer(), reader.skip(" "),
            let client = reader.client(), reader.skip("] "), let name = reader.argument(),
            !name.isEmpty, name.count <= 32
        else { return nil }
        let command = String(decoding: name, as: UTF8.self).uppercased()
        guard !Self.hidden.contains(command) else { return nil }
        var keys: [[UInt8]] = []
        if let entry = TrafficCommand.named(command) {
            var index = 0
            while reader.skip(" ") {
                let wanted: Bool
                switch entry.keys {
                case .first: wanted = index == 0
                case .firstTwo: wanted = index < 2
                case .all: wanted = true
                case .alternate: wanted = index.isMultiple(of: 2)
                }
                if wanted {
                    guard let key = reader.argument() else { return nil }
                    keys.append(key)
                } else if entry.keys == .alternate {
                    guard reader.skipArgument() else { return nil }
                } else {
                    break  // no key after: the rest (values) is not even walked
                }
                index += 1
            }
        }
        self.time = time
        self.database = database
        self.client = client
        self.command = command
        self.keys = keys
    }
}

/// Reads a `MONITOR` line left to right.
private struct MonitorLineReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Consumes `text` if the line continues with it.
    mutating func skip(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let matches = text.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        if matches { position += count }
        return matches
    }

    /// A decimal such as `1700000000.123456`.
    mutating func number() -> Double? {
        let start = position
        while position < bytes.count, bytes[position] == UInt8(ascii: ".") || isDigit(bytes[position]) {
            position += 1
        }
        guard position > start, position - start < 32 else { return nil }
        return Double(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    /// A small non-negative integer.
    mutating func integer() -> Int? {
        var value = 0
        let start = position
        while position < bytes.count, isDigit(bytes[position]), position - start < 6 {
            value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return position > start ? value : nil
    }

    /// The client, up to the `] "` that ends the bracket (an IPv6 client is itself bracketed:
    /// `[::1]:50312`), at most 300 bytes.
    mutating func client() -> [UInt8]? {
        let start = position
        while position + 2 < bytes.count {
            if bytes[position] == UInt8(ascii: "]") && bytes[position + 1] == UInt8(ascii: " ")
                && bytes[position + 2] == UInt8(ascii: "\"")
            {
                return Array(bytes[start..<position])
            }
            position += 1
            if position - start > 300 { return nil }
        }
        return nil
    }

    /// One quoted argument, unescaped.
    mutating func argument() -> [UInt8]? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        position += 1
        var result: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return result }
            guard byte == UInt8(ascii: "\\") else {
                result.append(byte)
                continue
            }
            guard position < bytes.count else { return nil }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "a"): result.append(0x07)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "x"):
                guard position + 2 <= bytes.count, let high = hexValue(bytes[position]),
                    let low = hexValue(bytes[position + 1])
                else { return nil }
                result.append(high << 4 | low)
                position += 2
            default: result.append(escaped)
            }
        }
        return nil
    }

    /// Steps over one quoted argument without decoding it.
    mutating func skipArgument() -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") { return true }
            if byte == UInt8(ascii: "\\") { position += 1 }
        }
        return false
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
