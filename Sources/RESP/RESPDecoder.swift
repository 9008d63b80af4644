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
    /// found complete, and consumes it. The frame is read in place, over its raw bytes; payloads
    /// become slices sharing the buffer's storage.
    func decodeFrame(of length: Int, from buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue {
        guard length > 0, length <= buffer.readableBytes else { throw .missingCRLF }
        let source = buffer
        let limits = limits
        let value = try source.withUnsafeReadableBytes { bytes in
            Result { () throws(RESPDecodingError) -> RESPValue in
                var cursor = Cursor(
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[..<length]), source: source, limits: limits)
                let value = try cursor.value(depth: 0)
                guard cursor.index == length else { throw .missingCRLF }
                return value
            }
        }.get()
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

/// A read position over the raw bytes of one complete frame. Every value is read in one pass
/// without a `ByteBuffer` call per byte; a frame that ends early is malformed (`missingCRLF`).
private struct Cursor {
    /// The frame's bytes, valid while the buffer's storage is borrowed.
    let bytes: UnsafeRawBufferPointer
    /// The buffer the frame starts in (at its reader index), for payload slices.
    let source: ByteBuffer
    let limits: RESPDecoderLimits
    /// The offset of the next byte to read in `bytes`.
    private(set) var index = 0

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    init(bytes: UnsafeRawBufferPointer, source: ByteBuffer, limits: RESPDecoderLimits) {
        self.bytes = bytes
        self.source = source
        self.limits = limits
    }

    mutating func value(depth: Int) throws(RESPDecodingError) -> RESPValue {
        guard index < bytes.count else { throw .missingCRLF }
        let marker = bytes[index]
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

    /// The bytes in `range` of the frame.
    private func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[range])
    }

    /// The bytes in `range` as text (invalid UTF-8 replaced, as `String(buffer:)` does).
    private func text(_ range: Range<Int>) -> String {
        String(decoding: slice(range), as: UTF8.self)
    }

    /// The bytes in `range` as a buffer sharing the frame's storage.
    private func payload(_ range: Range<Int>) throws(RESPDecodingError) -> ByteBuffer {
        guard let payload = source.getSlice(at: source.readerIndex + range.lowerBound, length: range.count) else {
            throw .missingCRLF
        }
        return payload
    }

    /// Reads the line after the type byte, up to its CRLF, and moves past it; returns the
    /// line's range without the type byte and the CRLF.
    private mutating func line() throws(RESPDecodingError) -> Range<Int> {
        let start = index + 1
        // One more byte than a line may hold is enough to tell it is too long.
        let room = bytes.count - start
        let limit = start + (limits.maxLineLength < room ? limits.maxLineLength + 1 : room)
        var end = start
        while end < limit, bytes[end] != Self.cr, bytes[end] != Self.lf { end += 1 }
        if end - start > limits.maxLineLength { throw .lineTooLong(limit: limits.maxLineLength) }
        guard end + 1 < bytes.count, bytes[end] == Self.cr, bytes[end + 1] == Self.lf else { throw .missingCRLF }
        index = end + 2
        return start..<end
    }

    private mutating func scalar(_ marker: UInt8) throws(RESPDecodingError) -> RESPValue {
        let content = try line()
        switch marker {
        case UInt8(ascii: "+"): return .simpleString(text(content))
        case UInt8(ascii: "-"): return .simpleError(text(content))
        case UInt8(ascii: ":"): return .integer(try Self.integer(slice(content)))
        case UInt8(ascii: "_"):
            guard content.isEmpty else { throw .invalidNull }
            return .null
        case UInt8(ascii: "#"):
            guard content.count == 1 else { throw .invalidBoolean }
            switch bytes[content.lowerBound] {
            case UInt8(ascii: "t"): return .boolean(true)
            case UInt8(ascii: "f"): return .boolean(false)
            default: throw .invalidBoolean
            }
        case UInt8(ascii: ","): return .double(try Self.double(slice(content)))
        default: return .bigNumber(try Self.bigNumber(slice(content)))
        }
    }

    /// Reads an aggregate header: -1 for a RESP2 null array, else the number of elements that
    /// follow (twice the pairs of a map or attribute).
    private mutating func aggregateCount(_ marker: UInt8, depth: Int) throws(RESPDecodingError) -> Int {
        let count = try Self.length(slice(try line()))
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

    private mutating func blob(_ marker: UInt8) throws(RESPDecodingError) -> RESPValue {
        let length = try Self.length(slice(try line()))
        if length == -1 {
            guard marker == UInt8(ascii: "$") else { throw .invalidLength("-1") }
            return .null
        }
        guard length >= 0 else { throw .invalidLength(String(length)) }
        guard length <= limits.maxBulkLength else { throw .bulkTooLarge(length, limit: limits.maxBulkLength) }
        let end = index + length
        guard end + 1 < bytes.count, bytes[end] == Self.cr, bytes[end + 1] == Self.lf else { throw .missingCRLF }
        let content = index..<end
        index = end + 2
        switch marker {
        case UInt8(ascii: "$"): return .bulkString(try payload(content))
        case UInt8(ascii: "!"): return .bulkError(try payload(content))
        default:
            let start = content.lowerBound
            guard content.count >= 4, bytes[start + 3] == UInt8(ascii: ":"),
                slice(start..<start + 3).allSatisfy({ byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                })
            else { throw .invalidVerbatim }
            return .verbatimString(format: text(start..<start + 3), text: try payload(start + 4..<end))
        }
    }

    private mutating func aggregate(_ marker: UInt8, depth: Int) throws(RESPDecodingError) -> RESPValue {
        let elementCount = try aggregateCount(marker, depth: depth)
        if elementCount == -1 { return .null }

        // Each element needs at least three bytes, so never reserve more than could have arrived.
        var elements: [RESPValue] = []
        elements.reserveCapacity(min(elementCount, (bytes.count - index) / 3))
        for _ in 0..<elementCount { elements.append(try value(depth: depth + 1)) }
        switch marker {
        case UInt8(ascii: "*"): return .array(elements)
        case UInt8(ascii: "~"): return .set(elements)
        case UInt8(ascii: ">"): return .push(elements)
        case UInt8(ascii: "%"): return .map(Self.pairs(elements))
        default:
            // An attribute describes the value that follows it. That value counts one level
            // deeper, as the frame scanner counts it: a chain of attributes is as deep as it is
            // long, so no walk of the decoded value recurses past the nesting cap.
            let described = try value(depth: depth + 1)
            return .attributed(attributes: Self.pairs(elements), value: described)
        }
    }

    private static func pairs(_ elements: [RESPValue]) -> [RESPPair] {
        stride(from: 0, to: elements.count, by: 2).map { RESPPair(key: elements[$0], value: elements[$0 + 1]) }
    }

    /// A length: digits only, or `-1` (a null where the caller allows one). No sign, no `-0`,
    /// no leading `+`, at most 18 digits.
    private static func length(_ bytes: UnsafeRawBufferPointer) throws(RESPDecodingError) -> Int {
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
    private static func integer(_ bytes: UnsafeRawBufferPointer) throws(RESPDecodingError) -> Int64 {
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
    private static func double(_ content: UnsafeRawBufferPointer) throws(RESPDecodingError) -> Double {
        let text = String(decoding: content, as: UTF8.self)
        switch text {
        case "inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "-nan": return .nan  // "-nan": what printf gives some NaNs
        default: break
        }
        guard isDecimal(content), let value = Double(text), value.isFinite else {
            throw .invalidDouble(RESPDecodingError.excerpt(content))
        }
        return value
    }

    /// Whether `bytes` is `[+|-]digits[.digits][(e|E)[+|-]digits]`.
    private static func isDecimal(_ bytes: UnsafeRawBufferPointer) -> Bool {
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

    private static func bigNumber(_ bytes: UnsafeRawBufferPointer) throws(RESPDecodingError) -> String {
        let digits =
            bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidNumber(RESPDecodingError.excerpt(bytes))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
