import NIOCore

extension RESPValue {
    /// The value in RESP3 wire form: what a server would send for it (a null as `_`). Decoding
    /// the bytes gives the value back; the fake server of the tests and the fuzz harnesses'
    /// round trips use it.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .simpleString(let text): Self.line(UInt8(ascii: "+"), text, into: &buffer)
        case .simpleError(let text): Self.line(UInt8(ascii: "-"), text, into: &buffer)
        case .integer(let number): Self.line(UInt8(ascii: ":"), String(number), into: &buffer)
        case .bulkString(let bytes): Self.blob(UInt8(ascii: "$"), bytes, into: &buffer)
        case .null: buffer.writeString("_\r\n")
        case .boolean(let flag): buffer.writeString(flag ? "#t\r\n" : "#f\r\n")
        case .double(let number):
            let text: String
            if number.isNaN {
                text = "nan"
            } else if number.isInfinite {
                text = number > 0 ? "inf" : "-inf"
            } else {
                text = "\(number)"
            }
            Self.line(UInt8(ascii: ","), text, into: &buffer)
        case .bigNumber(let digits): Self.line(UInt8(ascii: "("), digits, into: &buffer)
        case .bulkError(let bytes): Self.blob(UInt8(ascii: "!"), bytes, into: &buffer)
        case .verbatimString(let format, let text):
            var payload = ByteBuffer(string: format + ":")
            payload.writeImmutableBuffer(text)
            Self.blob(UInt8(ascii: "="), payload, into: &buffer)
        case .array(let elements): Self.aggregate(UInt8(ascii: "*"), elements, into: &buffer)
        case .set(let elements): Self.aggregate(UInt8(ascii: "~"), elements, into: &buffer)
        case .push(let elements): Self.aggregate(UInt8(ascii: ">"), elements, into: &buffer)
        case .map(let pairs): Self.pairs(UInt8(ascii: "%"), pairs, into: &buffer)
        case .attributed(let attributes, let value):
            Self.pairs(UInt8(ascii: "|"), attributes, into: &buffer)
            value.encode(into: &buffer)
        }
    }

    /// The value in RESP3 wire form, as bytes.
    public var encoded: ByteBuffer {
        var buffer = ByteBuffer()
        encode(into: &buffer)
        return buffer
    }

    private static func line(_ marker: UInt8, _ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        buffer.writeString(text)
        buffer.writeString("\r\n")
    }

    private static func blob(_ marker: UInt8, _ bytes: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        buffer.writeString("\(bytes.readableBytes)\r\n")
        buffer.writeImmutableBuffer(bytes)
        buffer.writeString("\r\n")
    }

    private static func aggregate(_ marker: UInt8, _ elements: [RESPValue], into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        buffer.writeString("\(elements.count)\r\n")
        for element in elements { element.encode(into: &buffer) }
    }

    private static func pairs(_ marker: UInt8, _ pairs: [RESPPair], into buffer: inout ByteBuffer) {
        buffer.writeInteger(marker)
        buffer.writeString("\(pairs.count)\r\n")
        for pair in pairs {
            pair.key.encode(into: &buffer)
            pair.value.encode(into: &buffer)
        }
    }
}
