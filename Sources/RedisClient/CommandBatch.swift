import RESP

/// Many commands encoded straight into one buffer, for long pipelines of a few kinds of
/// command (the key sampler's `TYPE`/`PTTL`/`MEMORY USAGE` per key): no ``RESPCommand`` per
/// command. One example of each distinct command head is kept, so that the connection checks
/// the batch against its ``CommandPolicy`` before writing a byte.
public struct CommandBatch: Sendable {
    /// Commands in the batch.
    public private(set) var count = 0
    /// The RESP encoding of all of them.
    public private(set) var bytes: [UInt8] = []
    /// One command of each distinct head (name and first argument), for the policy check.
    public private(set) var examples: [RESPCommand] = []
    private var heads: [([UInt8], [UInt8]?)] = []

    /// An empty batch with room for about `bytes` bytes.
    public init(reservingCapacity bytes: Int = 0) {
        self.bytes.reserveCapacity(bytes)
    }

    /// Appends a command on one key, e.g. `TYPE key`.
    public mutating func append(_ name: [UInt8], key: [UInt8]) {
        note(name, nil, [name, key])
        header(2)
        word(name)
        word(key)
    }

    /// Appends a subcommand on one key, e.g. `OBJECT FREQ key`.
    public mutating func append(_ name: [UInt8], _ subcommand: [UInt8], key: [UInt8]) {
        note(name, subcommand, [name, subcommand, key])
        header(3)
        word(name)
        word(subcommand)
        word(key)
    }

    /// Appends a command of any number of words, the name first; `hasSubcommand` when the
    /// second word names a subcommand (`MEMORY USAGE …`), not an argument (`SCAN cursor …`).
    public mutating func append(words: [[UInt8]], hasSubcommand: Bool) {
        guard let name = words.first else { return }
        note(name, hasSubcommand && words.count > 1 ? words[1] : nil, words)
        header(words.count)
        for argument in words { word(argument) }
    }

    private mutating func note(_ name: [UInt8], _ subcommand: [UInt8]?, _ words: @autoclosure () -> [[UInt8]]) {
        count += 1
        for head in heads where head.0 == name && head.1 == subcommand { return }
        heads.append((name, subcommand))
        examples.append(RESPCommand(bytes: words()))
    }

    private mutating func header(_ words: Int) {
        bytes.append(UInt8(ascii: "*"))
        decimal(words)
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    private mutating func word(_ argument: [UInt8]) {
        bytes.append(UInt8(ascii: "$"))
        decimal(argument.count)
        bytes.append(0x0D)
        bytes.append(0x0A)
        bytes.append(contentsOf: argument)
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// Appends `value` in decimal: digits written in place, then put in order (no allocation).
    private mutating func decimal(_ value: Int) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        let start = bytes.count
        var rest = value
        while rest > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes[start...].reverse()
    }
}
