import NIOCore
import RESP
import RedisClient

/// Reads the replies of a ``RedisClient/RawReplies`` one by one into the few shapes the key
/// sampler expects — an integer, a short text, a null, a server error, a `SCAN` page — without
/// building ``RESP/RESPValue`` trees. Anything else (an attribute before a reply, a RESP3 type
/// where RESP2 was expected) is decoded the general way and read from the value.
struct RawReplyReader {
    /// One reply, as the sampler reads it.
    enum Reply {
        case integer(Int64)
        /// A simple or bulk string's bytes.
        case text(ByteBuffer)
        case null
        case error(RedisServerError)
        /// Anything else.
        case other(RESPValue)
    }

    private var buffer: ByteBuffer
    private let endpoint: String

    init(_ replies: RawReplies, endpoint: String) {
        buffer = replies.buffer
        self.endpoint = endpoint
    }

    /// The next reply as a `TYPE` reply: the type's name (the built-in ones without allocating),
    /// `nil` for `none` or for a reply of another shape (consumed all the same).
    mutating func typeName() throws -> String? {
        let known = buffer.withUnsafeReadableBytes { bytes -> (name: String?, length: Int)? in
            guard bytes.first == UInt8(ascii: "+"), let end = Self.lineEnd(in: bytes) else { return nil }
            let word = UnsafeRawBufferPointer(rebasing: bytes[1..<end])
            if word.elementsEqual("none".utf8) { return (nil, end + 2) }
            for (pattern, name) in KeyTypeName.known where word.elementsEqual(pattern) { return (name, end + 2) }
            return (String(decoding: word, as: UTF8.self), end + 2)
        }
        guard let known else {
            _ = try next()
            return nil
        }
        buffer.moveReaderIndex(forwardBy: known.length)
        return known.name
    }

    /// The next reply.
    mutating func next() throws -> Reply {
        guard let marker = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            throw RedisProtocolError(reason: "fewer replies than commands", endpoint: endpoint)
        }
        switch marker {
        case UInt8(ascii: ":"):
            // Parsed in place, no slice: most replies of a sampler batch are integers.
            let parsed = buffer.withUnsafeReadableBytes { bytes -> (value: Int64, length: Int)? in
                guard let end = Self.lineEnd(in: bytes),
                    let value = Self.integer(UnsafeRawBufferPointer(rebasing: bytes[1..<end]))
                else { return nil }
                return (value, end + 2)
            }
            if let parsed {
                buffer.moveReaderIndex(forwardBy: parsed.length)
                return .integer(parsed.value)
            }
        case UInt8(ascii: "+"):
            if let line = readLine() { return .text(line) }
        case UInt8(ascii: "-"):
            if let line = readLine() { return .error(RedisServerError(message: String(buffer: line))) }
        case UInt8(ascii: "_"):
            if readLine() != nil { return .null }
        case UInt8(ascii: "$"):
            if let bulk = readBulk() { return bulk.map(Reply.text) ?? .null }
        default:
            break
        }
        return try general()
    }

    /// The next reply as a `SCAN` page: the next cursor and the names.
    mutating func scanPage() throws -> (cursor: [UInt8], names: [[UInt8]]) {
        let start = buffer.readerIndex
        if buffer.getInteger(at: start, as: UInt8.self) == UInt8(ascii: "*"), let header = readLine(),
            Self.integer(header) == 2, let cursor = readBulk() ?? nil,
            buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) == UInt8(ascii: "*"),
            let countLine = readLine(), let count = Self.integer(countLine), count >= 0, count <= 1_000_000
        {
            var names: [[UInt8]] = []
            names.reserveCapacity(Int(count))
            var complete = true
            for _ in 0..<count {
                guard let name = readBulk() ?? nil else {
                    complete = false
                    break
                }
                names.append(Array(name.readableBytesView))
            }
            if complete { return (Array(cursor.readableBytesView), names) }
        }
        buffer.moveReaderIndex(to: start)
        let reply = try general()
        if case .error(let refusal) = reply { throw refusal }
        guard case .other(let value) = reply, let parts = value.elements, parts.count == 2,
            let cursor = parts[0].bytes, let names = parts[1].elements?.compactMap(\.bytes)
        else { throw RedisProtocolError(reason: "unexpected SCAN reply", endpoint: endpoint) }
        return (cursor, names)
    }

    /// The reply decoded the general way (consumed whole).
    private mutating func general() throws -> Reply {
        var scanner = RESPFrameScanner()
        let value: RESPValue
        do {
            guard let length = try scanner.frameLength(in: buffer) else {
                throw RedisProtocolError(reason: "truncated reply", endpoint: endpoint)
            }
            value = try RESPStreamDecoder().decodeFrame(of: length, from: &buffer).withoutAttributes
        } catch let error as RESPDecodingError {
            throw RedisProtocolError(reason: error.description, endpoint: endpoint)
        }
        if let message = value.errorMessage { return .error(RedisServerError(message: message)) }
        switch value {
        case .integer(let number): return .integer(number)
        case .null: return .null
        default: return .other(value)
        }
    }

    /// The line after the type byte (without CRLF), consumed; `nil` (nothing consumed) if malformed.
    private mutating func readLine() -> ByteBuffer? {
        let start = buffer.readerIndex
        let end = buffer.withUnsafeReadableBytes { Self.lineEnd(in: $0) }
        guard let end, let line = buffer.getSlice(at: start + 1, length: end - 1) else { return nil }
        buffer.moveReaderIndex(forwardBy: end + 2)
        return line
    }

    /// A bulk string, consumed: `.some(nil)` for a null bulk, `nil` (nothing consumed) if malformed.
    private mutating func readBulk() -> ByteBuffer?? {
        let start = buffer.readerIndex
        guard buffer.getInteger(at: start, as: UInt8.self) == UInt8(ascii: "$"), let header = readLine(),
            let length = Self.integer(header)
        else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        if length == -1 { return .some(nil) }
        guard length >= 0, let payload = buffer.readSlice(length: Int(length)),
            buffer.readInteger(as: UInt16.self) == 0x0D0A
        else {
            buffer.moveReaderIndex(to: start)
            return nil
        }
        return .some(payload)
    }

    /// Where the line after the type byte ends: the index of its CR, which an LF follows.
    private static func lineEnd(in bytes: UnsafeRawBufferPointer) -> Int? {
        var index = 1
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D { return bytes[index + 1] == 0x0A ? index : nil }
            index += 1
        }
        return nil
    }

    private static func integer(_ line: ByteBuffer) -> Int64? {
        line.withUnsafeReadableBytes { integer($0) }
    }

    /// An optionally negative decimal; `nil` when malformed or out of range (a hostile server
    /// may send any digits).
    private static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let negative = bytes.first == UInt8(ascii: "-")
        let digits = negative ? UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) : bytes
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = next
        }
        return negative ? -value : value
    }
}
