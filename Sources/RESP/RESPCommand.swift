import NIOCore

/// One command as sent to a server: an array of bulk strings.
///
/// Arguments are bytes, so binary key names are sent exactly. `description` shows the command
/// name and argument count only, with credentials never printed.
public struct RESPCommand: Sendable, Hashable {
    /// The arguments, the command name first.
    public var arguments: [[UInt8]]

    /// Creates a command from text arguments, e.g. `RESPCommand("INFO", "everything")`.
    public init(_ name: String, _ arguments: String...) {
        self.arguments = [Array(name.utf8)] + arguments.map { Array($0.utf8) }
    }

    /// Creates a command from text arguments.
    public init(_ arguments: [String]) {
        self.arguments = arguments.map { Array($0.utf8) }
    }

    /// Creates a command from byte arguments.
    public init(bytes arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// The upper-cased command name (the first argument).
    public var name: String {
        String(decoding: arguments.first ?? [], as: UTF8.self).uppercased()
    }

    /// The upper-cased first argument after the name, e.g. `GET` for `SLOWLOG GET 10`.
    public var subcommand: String? {
        arguments.count > 1 ? String(decoding: arguments[1], as: UTF8.self).uppercased() : nil
    }

    /// Appends the RESP encoding of the command to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encodedLength)
        encode(into: &bytes)
        buffer.writeBytes(bytes)
    }

    /// Appends the RESP encoding of the command to `bytes` (the fast path for long pipelines:
    /// plain array appends, lengths written digit by digit).
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "*"))
        Self.appendDecimal(arguments.count, to: &bytes)
        bytes.append(0x0D)
        bytes.append(0x0A)
        for argument in arguments {
            bytes.append(UInt8(ascii: "$"))
            Self.appendDecimal(argument.count, to: &bytes)
            bytes.append(0x0D)
            bytes.append(0x0A)
            bytes.append(contentsOf: argument)
            bytes.append(0x0D)
            bytes.append(0x0A)
        }
    }

    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }

    /// The arguments that identify what the command does: the name, plus the subcommand for
    /// container commands (`SLOWLOG GET`, `MEMORY USAGE`), never a key or a value.
    public var head: ArraySlice<[UInt8]> {
        guard let first = arguments.first else { return arguments[...] }
        // Compared as bytes: this runs for every command of a pipeline.
        let isContainer = Self.containerCommandBytes.contains { name in
            name.count == first.count
                && zip(name, first).allSatisfy { $0 == ($1 >= 0x61 && $1 <= 0x7A ? $1 - 0x20 : $1) }
        }
        return isContainer ? arguments.prefix(2) : arguments.prefix(1)
    }

    /// The number of bytes ``encode(into:)`` writes.
    public var encodedLength: Int {
        arguments.reduce(3 + String(arguments.count).utf8.count) { total, argument in
            total + 5 + String(argument.count).utf8.count + argument.count
        }
    }
}

extension RESPCommand: CustomStringConvertible {
    /// The command name (and the subcommand of container commands such as `SLOWLOG GET`), then
    /// the number of further arguments; never their values, which may be keys or credentials.
    public var description: String {
        var head = name
        var shown = 1
        if let subcommand, Self.containerCommands.contains(head) {
            head += " " + subcommand
            shown = 2
        }
        let rest = max(0, arguments.count - shown)
        return rest == 0 ? head : "\(head) (+\(rest) arguments)"
    }

    private static let containerCommandBytes: [[UInt8]] = containerCommands.map { Array($0.utf8) }

    private static let containerCommands: Set<String> = [
        "ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "DEBUG", "FUNCTION", "LATENCY", "MEMORY",
        "MODULE", "OBJECT", "SCRIPT", "SLOWLOG", "XINFO",
    ]
}
