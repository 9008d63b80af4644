import NIOCore

/// Decodes RESP2 and RESP3 values from a byte buffer.
///
/// ``decode(from:)`` returns `nil` while the next value is incomplete and consumes nothing;
/// once a whole value is buffered it consumes exactly that value's bytes. Corrupt data throws
/// ``RESPDecodingError``. This decoder is stateless between calls, so feeding the same bytes in
/// any chunking yields the same values; a reader of a socket, where a large reply arrives in
/// many segments, uses ``RESPStreamDecoder``, which does not scan the same bytes twice.
public struct RESPDecoder: Sendable {
    /// The caps applied to every value.
    public var limits: RESPDecoderLimits

    /// Creates a decoder with the given caps.
    public init(limits: RESPDecoderLimits = .default) {
        self.limits = limits
    }

    /// Decodes the next complete value at the reader index of `buffer`, or returns `nil`
    /// (consuming nothing) when more bytes are needed.
    public func decode(from buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue? {
        var scanner = RESPFrameScanner(limits: limits)
        guard let length = try scanner.frameLength(in: buffer) else { return nil }
        return try decodeFrame(of: length, from: &buffer)
    }

    /// Decodes the value whose frame, `length` bytes at the reader index, a ``RESPFrameScanner``
    /// found complete, and consumes it.
    func decodeFrame(of length: Int, from buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue {
        guard let frame = buffer.getSlice(at: buffer.readerIndex, length: length) else { throw .missingCRLF }
        var cursor = Cursor(buffer: frame, limits: limits)
        guard let value = try cursor.value(depth: 0), cursor.buffer.readableBytes == 0 else { throw .missingCRLF }
        buffer.moveReaderIndex(forwardBy: length)
        return value
    }

    /// Decodes every complete value in `buffer`, leaving an incomplete tail in place.
    public func decodeAll(from buffer: inout ByteBuffer) throws(RESPDecodingError) -> [RESPValue] {
        var values: [RESPValue] = []
        while let value = try decode(from: &buffer) { values.append(value) }
        return values
    }
}

/// A read position over a copy of the input; the copy shares storage, so nothing is copied.
private struct Cursor {
    var buffer: ByteBuffer
    let limits: RESPDecoderLimits

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    init(buffer: ByteBuffer, limits: RESPDecoderLimits) {
        self.buffer = buffer
        self.limits = limits
    }

    mutating func value(depth: Int) throws(RESPDecodingError) -> RESPValue? {
        guard let marker = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        switch marker {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"),
            UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "("):
            return try scalar(marker)
        case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
            return try blob(marker)
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            // A push is out-of-band data: a whole frame of its own, never an element.
            if marker == UInt8(ascii: ">") && depth > 0 { throw .misplacedPush }
            return try aggregate(marker, depth: depth)
        default:
            throw .invalidTypeByte(marker)
        }
    }

    /// Reads the line after the type byte, without its CRLF; `nil` when the CRLF hasn't arrived.
    private mutating func line() throws(RESPDecodingError) -> ByteBuffer? {
        // One pass over raw bytes for the first CR or LF: it must be a CR followed by an LF.
        let scan = buffer.withUnsafeReadableBytes { bytes -> (length: Int, complete: Bool, valid: Bool) in
            let limit = min(bytes.count, limits.maxLineLength + 3)
            var index = 1
            while index < limit {
                let byte = bytes[index]
                if byte == Self.cr || byte == Self.lf {
                    if byte == Self.lf { return (index - 1, true, false) }
                    guard index + 1 < bytes.count else { return (index - 1, false, true) }
                    return (index - 1, true, bytes[index + 1] == Self.lf)
                }
                index += 1
            }
            return (index - 1, false, true)
        }
        guard scan.complete else {
            if scan.length > limits.maxLineLength { throw .lineTooLong(limit: limits.maxLineLength) }
            return nil
        }
        guard scan.valid else { throw .missingCRLF }
        if scan.length > limits.maxLineLength { throw .lineTooLong(limit: limits.maxLineLength) }
        let content = buffer.getSlice(at: buffer.readerIndex + 1, length: scan.length) ?? ByteBuffer()
        buffer.moveReaderIndex(forwardBy: scan.length + 3)
        return content
    }

    private mutating func scalar(_ marker: UInt8) throws(RESPDecodingError) -> RESPValue? {
        guard let content = try line() else { return nil }
        switch marker {
        case UInt8(ascii: "+"): return .simpleString(String(buffer: content))
        case UInt8(ascii: "-"): return .simpleError(String(buffer: content))
        case UInt8(ascii: ":"): return .integer(try Self.integer(content.readableBytesView))
        case UInt8(ascii: "_"):
            guard content.readableBytes == 0 else { throw .invalidNull }
            return .null
        case UInt8(ascii: "#"):
            switch content.readableBytesView.first {
            case UInt8(ascii: "t") where content.readableBytes == 1: return .boolean(true)
            case UInt8(ascii: "f") where content.readableBytes == 1: return .boolean(false)
            default: throw .invalidBoolean
            }
        case UInt8(ascii: ","): return .double(try Self.double(content))
        default: return .bigNumber(try Self.bigNumber(content))
        }
    }

    /// Reads a blob header: `nil` while the header or its payload is incomplete (nothing
    /// consumed), -1 for a RESP2 null, else the payload length (payload not consumed).
    private mutating func blobLength(_ marker: UInt8) throws(RESPDecodingError) -> Int? {
        let frameStart = buffer.readerIndex
        guard let header = try line() else { return nil }
        let length = try Self.length(header.readableBytesView)
        if length == -1 {
            guard marker == UInt8(ascii: "$") else { throw .invalidLength("-1") }
            return -1
        }
        guard length >= 0 else { throw .invalidLength(String(length)) }
        guard length <= limits.maxBulkLength else { throw .bulkTooLarge(length, limit: limits.maxBulkLength) }
        guard buffer.readableBytes >= length + 2 else {
            buffer.moveReaderIndex(to: frameStart)
            return nil
        }
        return length
    }

    /// Reads an aggregate header: `nil` while incomplete, -1 for a RESP2 null array, else the
    /// number of elements that follow (twice the pairs of a map or attribute).
    private mutating func aggregateCount(_ marker: UInt8, depth: Int) throws(RESPDecodingError) -> Int? {
        guard let header = try line() else { return nil }
        let count = try Self.length(header.readableBytesView)
        if count == -1 && marker == UInt8(ascii: "*") { return -1 }
        guard count >= 0 else { throw .invalidLength(String(count)) }
        let isPaired = marker == UInt8(ascii: "%") || marker == UInt8(ascii: "|")
        // A map's or attribute's pairs count twice: keys and values are elements of the limit.
        let (elementCount, overflow) = isPaired ? count.multipliedReportingOverflow(by: 2) : (count, false)
        guard !overflow, elementCount <= limits.maxAggregateCount else {
            throw .aggregateTooLarge(overflow ? Int.max : elementCount, limit: limits.maxAggregateCount)
        }
        guard depth + 1 <= limits.maxDepth else { throw .depthExceeded(limit: limits.maxDepth) }
        return elementCount
    }

    private mutating func blob(_ marker: UInt8) throws(RESPDecodingError) -> RESPValue? {
        guard let length = try blobLength(marker) else { return nil }
        if length == -1 { return .null }
        guard let payload = buffer.readSlice(length: length),
            buffer.readInteger(as: UInt8.self) == Self.cr,
            buffer.readInteger(as: UInt8.self) == Self.lf
        else { throw .missingCRLF }
        switch marker {
        case UInt8(ascii: "$"): return .bulkString(payload)
        case UInt8(ascii: "!"): return .bulkError(payload)
        default:
            guard payload.readableBytes >= 4,
                payload.getInteger(at: payload.readerIndex + 3, as: UInt8.self) == UInt8(ascii: ":"),
                payload.readableBytesView.prefix(3).allSatisfy({ byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                }),
                let format = payload.getString(at: payload.readerIndex, length: 3),
                let text = payload.getSlice(at: payload.readerIndex + 4, length: payload.readableBytes - 4)
            else { throw .invalidVerbatim }
            return .verbatimString(format: format, text: text)
        }
    }

    private mutating func aggregate(_ marker: UInt8, depth: Int) throws(RESPDecodingError) -> RESPValue? {
        guard let elementCount = try aggregateCount(marker, depth: depth) else { return nil }
        if elementCount == -1 { return .null }

        // Each element needs at least three bytes, so never reserve more than could have arrived.
        var elements: [RESPValue] = []
        elements.reserveCapacity(min(elementCount, buffer.readableBytes / 3))
        for _ in 0..<elementCount {
            guard let element = try value(depth: depth + 1) else { return nil }
            elements.append(element)
        }
        switch marker {
        case UInt8(ascii: "*"): return .array(elements)
        case UInt8(ascii: "~"): return .set(elements)
        case UInt8(ascii: ">"): return .push(elements)
        case UInt8(ascii: "%"): return .map(Self.pairs(elements))
        default:
            // An attribute describes the value that follows it. That value counts one level
            // deeper, as the frame scanner counts it: a chain of attributes is as deep as it is
            // long, so no walk of the decoded value recurses past the nesting cap.
            guard let described = try value(depth: depth + 1) else { return nil }
            return .attributed(attributes: Self.pairs(elements), value: described)
        }
    }

    private static func pairs(_ elements: [RESPValue]) -> [RESPPair] {
        stride(from: 0, to: elements.count, by: 2).map { RESPPair(key: elements[$0], value: elements[$0 + 1]) }
    }

    /// A length: digits only, or `-1` (a null where the caller allows one). No sign, no `-0`,
    /// no leading `+`, at most 18 digits.
    private static func length(_ bytes: ByteBufferView) throws(RESPDecodingError) -> Int {
        if bytes.count == 2 && bytes.first == UInt8(ascii: "-") && bytes.last == UInt8(ascii: "1") { return -1 }
        guard !bytes.isEmpty, bytes.count <= 18 else { throw .invalidLength(RESPDecodingError.excerpt(bytes)) }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidLength(RESPDecodingError.excerpt(bytes))
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Parses an optionally signed decimal Int64 with no spaces, rejecting overflow.
    private static func integer(_ bytes: ByteBufferView) throws(RESPDecodingError) -> Int64 {
        var iterator = bytes.makeIterator()
        guard var byte = iterator.next() else { throw .invalidNumber("") }
        var negative = false
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            guard let next = iterator.next() else { throw .invalidNumber(RESPDecodingError.excerpt(bytes)) }
            byte = next
        }
        var value: Int64 = 0
        while true {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidNumber(RESPDecodingError.excerpt(bytes))
            }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw .invalidNumber(RESPDecodingError.excerpt(bytes)) }
            value = next
            guard let following = iterator.next() else { return value }
            byte = following
        }
    }

    /// A RESP3 double: `[+|-]<digits>[.<digits>][(e|E)[+|-]<digits>]`, or exactly `inf`,
    /// `-inf`, `nan` (what servers send). Swift's `Double(String)` alone would also take `.5`,
    /// hex floats, `INF` and `infinity`.
    private static func double(_ content: ByteBuffer) throws(RESPDecodingError) -> Double {
        let text = String(buffer: content)
        switch text {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan  // "-nan": what printf gives some NaNs
        default: break
        }
        guard isDecimal(Array(content.readableBytesView)), let value = Double(text), value.isFinite else {
            throw .invalidDouble(RESPDecodingError.excerpt(content.readableBytesView))
        }
        return value
    }

    /// Whether `bytes` is `[+|-]digits[.digits][(e|E)[+|-]digits]`.
    private static func isDecimal(_ bytes: [UInt8]) -> Bool {
        var index = 0
        func isDigit(_ at: Int) -> Bool { at < bytes.count && bytes[at] >= 48 && bytes[at] <= 57 }
        func digits() -> Bool {
            let start = index
            while isDigit(index) { index += 1 }
            return index > start
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
            index += 1
        }
        guard digits() else { return false }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return false }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard digits() else { return false }
        }
        return index == bytes.count
    }

    private static func bigNumber(_ content: ByteBuffer) throws(RESPDecodingError) -> String {
        let bytes = content.readableBytesView
        let digits =
            bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidNumber(RESPDecodingError.excerpt(bytes))
        }
        return String(buffer: content)
    }
}
