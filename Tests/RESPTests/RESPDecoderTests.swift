import NIOCore
import RESP
import TestSupport
import Testing

/// One frame of every RESP2 and RESP3 type, with the value it must decode to.
private let frames: [(name: String, bytes: String, value: RESPValue)] = [
    ("simple string", "+OK\r\n", .simpleString("OK")),
    ("empty simple string", "+\r\n", .simpleString("")),
    ("simple error", "-ERR unknown command 'FOO'\r\n", .simpleError("ERR unknown command 'FOO'")),
    ("integer", ":1000\r\n", .integer(1000)),
    ("negative integer", ":-42\r\n", .integer(-42)),
    ("plus-signed integer", ":+7\r\n", .integer(7)),
    ("int64 max", ":9223372036854775807\r\n", .integer(.max)),
    ("int64 min", ":-9223372036854775808\r\n", .integer(.min)),
    ("bulk string", "$5\r\nhello\r\n", .bulkString(ByteBuffer(string: "hello"))),
    ("empty bulk string", "$0\r\n\r\n", .bulkString(ByteBuffer())),
    ("bulk with CRLF inside", "$4\r\na\r\nb\r\n", .bulkString(ByteBuffer(string: "a\r\nb"))),
    ("RESP2 null bulk", "$-1\r\n", .null),
    ("RESP2 null array", "*-1\r\n", .null),
    ("RESP3 null", "_\r\n", .null),
    ("true", "#t\r\n", .boolean(true)),
    ("false", "#f\r\n", .boolean(false)),
    ("double", ",3.14\r\n", .double(3.14)),
    ("double exponent", ",1.5e-3\r\n", .double(0.0015)),
    ("double integer", ",10\r\n", .double(10)),
    ("double inf", ",inf\r\n", .double(.infinity)),
    ("double -inf", ",-inf\r\n", .double(-.infinity)),
    (
        "big number", "(3492890328409238509324850943850943825024385\r\n",
        .bigNumber("3492890328409238509324850943850943825024385")
    ),
    ("negative big number", "(-12345678901234567890\r\n", .bigNumber("-12345678901234567890")),
    ("bulk error", "!21\r\nSYNTAX invalid syntax\r\n", .bulkError(ByteBuffer(string: "SYNTAX invalid syntax"))),
    (
        "verbatim string", "=15\r\ntxt:Some string\r\n",
        .verbatimString(format: "txt", text: ByteBuffer(string: "Some string"))
    ),
    ("empty array", "*0\r\n", .array([])),
    ("array", "*3\r\n:1\r\n$3\r\nfoo\r\n_\r\n", .array([.integer(1), .bulkString(ByteBuffer(string: "foo")), .null])),
    ("nested array", "*2\r\n*1\r\n+a\r\n*0\r\n", .array([.array([.simpleString("a")]), .array([])])),
    (
        "map", "%2\r\n+first\r\n:1\r\n+second\r\n#f\r\n",
        .map([
            RESPPair(key: .simpleString("first"), value: .integer(1)),
            RESPPair(key: .simpleString("second"), value: .boolean(false)),
        ])
    ),
    ("set", "~2\r\n+a\r\n:2\r\n", .set([.simpleString("a"), .integer(2)])),
    (
        "push", ">3\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n_\r\n",
        .push([.bulkString(ByteBuffer(string: "invalidate")), .array([.bulkString(ByteBuffer(string: "key"))]), .null])
    ),
    (
        "attribute", "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:2039123\r\n",
        .attributed(
            attributes: [
                RESPPair(
                    key: .simpleString("key-popularity"),
                    value: .map([RESPPair(key: .bulkString(ByteBuffer(string: "a")), value: .double(0.19))]))
            ],
            value: .array([.integer(2039123)]))
    ),
    (
        "attribute inside array", "*2\r\n|1\r\n+ttl\r\n:3\r\n:1\r\n:2\r\n",
        .array([
            .attributed(attributes: [RESPPair(key: .simpleString("ttl"), value: .integer(3))], value: .integer(1)),
            .integer(2),
        ])
    ),
    ("binary bulk", "$4\r\n\u{00}\u{01}\u{7F}\u{0A}\r\n", .bulkString(ByteBuffer(bytes: [0, 1, 0x7F, 0x0A]))),
]

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Feeds `input` in the given chunks, decoding after each, and returns all values.
private func decodeInChunks(
    _ input: [UInt8], chunkSizes: [Int], limits: RESPDecoderLimits = .default
) throws -> [RESPValue] {
    let decoder = RESPDecoder(limits: limits)
    var buffer = ByteBuffer()
    var values: [RESPValue] = []
    var offset = 0
    var sizes = chunkSizes.makeIterator()
    while offset < input.count {
        let size = min(max(1, sizes.next() ?? input.count), input.count - offset)
        buffer.writeBytes(input[offset..<offset + size])
        offset += size
        values += try decoder.decodeAll(from: &buffer)
    }
    #expect(buffer.readableBytes == 0, "bytes left undecoded")
    return values
}

/// Equality that treats two NaN doubles as the same value.
private func same(_ lhs: RESPValue, _ rhs: RESPValue) -> Bool {
    if case .double(let a) = lhs, case .double(let b) = rhs, a.isNaN, b.isNaN { return true }
    return lhs == rhs
}

@Suite("RESP decoder")
struct RESPDecoderTests {
    @Test("every type decodes whole", arguments: frames.indices)
    func decodesWhole(index: Int) throws {
        let frame = frames[index]
        let values = try decodeInChunks(bytes(frame.bytes), chunkSizes: [])
        #expect(values == [frame.value], "\(frame.name)")
    }

    @Test("every type encodes back to a frame that decodes to the same value", arguments: frames.indices)
    func roundTrips(index: Int) throws {
        let frame = frames[index]
        var encoded = frame.value.encoded
        let again = try RESPDecoder().decode(from: &encoded)
        #expect(again == frame.value, "\(frame.name)")
        #expect(encoded.readableBytes == 0)
    }

    @Test("every type decodes byte by byte, consuming nothing until complete", arguments: frames.indices)
    func decodesByteByByte(index: Int) throws {
        let frame = frames[index]
        let input = bytes(frame.bytes)
        let decoder = RESPDecoder()
        var buffer = ByteBuffer()
        for (position, byte) in input.enumerated() {
            buffer.writeInteger(byte)
            let value = try decoder.decode(from: &buffer)
            if position < input.count - 1 {
                #expect(value == nil, "\(frame.name): value before the last byte")
                #expect(buffer.readableBytes == position + 1, "\(frame.name): consumed a partial frame")
            } else {
                #expect(value == frame.value, "\(frame.name)")
            }
        }
    }

    @Test("all frames joined decode in order, in any chunking")
    func decodesJoinedAndRandomlySplit() throws {
        let input = frames.flatMap { bytes($0.bytes) }
        let expected = frames.map(\.value)
        #expect(try decodeInChunks(input, chunkSizes: []) == expected)
        #expect(try decodeInChunks(input, chunkSizes: Array(repeating: 1, count: input.count)) == expected)
        var generator = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<200 {
            let sizes = (0..<input.count).map { _ in Int.random(in: 1...17, using: &generator) }
            #expect(try decodeInChunks(input, chunkSizes: sizes) == expected)
        }
    }

    @Test("NaN doubles decode as NaN", arguments: [",nan\r\n", ",-nan\r\n"])
    func decodesNaN(frame: String) throws {
        let values = try decodeInChunks(bytes(frame), chunkSizes: [1])
        #expect(values.count == 1 && same(values[0], .double(.nan)))
    }

    @Test(
        "malformed frames throw, whole and split",
        arguments: [
            ("unknown type byte", "?what\r\n"),
            ("LF without CR", "+OK\n"),
            ("CR inside a line", "+O\rK\r\n"),
            ("integer with letters", ":12a\r\n"),
            ("empty integer", ":\r\n"),
            ("integer overflow", ":9223372036854775808\r\n"),
            ("lone sign", ":-\r\n"),
            ("bulk with bad length", "$abc\r\nhello\r\n"),
            ("bulk with negative length", "$-2\r\n"),
            ("bulk with wrong terminator", "$3\r\nfooXY"),
            ("array with bad count", "*x\r\n"),
            ("array with negative count", "*-5\r\n"),
            ("map with null count", "%-1\r\n"),
            ("bad boolean", "#x\r\n"),
            ("long boolean", "#tt\r\n"),
            ("bad double", ",1.2.3x\r\n"),
            ("hex double", ",0x1p3\r\n"),
            ("null with content", "_x\r\n"),
            ("bad big number", "(12x\r\n"),
            ("empty big number", "(\r\n"),
            ("verbatim without format", "=3\r\nabc\r\n"),
            ("null bulk error", "!-1\r\n"),
            ("garbage inside an array", "*2\r\n:1\r\n@@@\r\n"),
            ("bulk length with a plus", "$+3\r\nabc\r\n"),
            ("array count -0", "*-0\r\n"),
            ("array count with a plus", "*+1\r\n:1\r\n"),
            ("map count -1", "%-1\r\n"),
            ("double without integral part", ",.5\r\n"),
            ("double with nothing after the point", ",1.\r\n"),
            ("double with an empty exponent", ",1e\r\n"),
            ("double INF in capitals", ",INF\r\n"),
            ("double infinity", ",infinity\r\n"),
            ("double +inf", ",+inf\r\n"),
            ("verbatim format not letters", "=7\r\n12a:xyz\r\n"),
            ("push inside an array", "*1\r\n>1\r\n:1\r\n"),
            ("push inside a map", "%1\r\n+k\r\n>1\r\n:1\r\n"),
        ])
    func rejectsMalformed(name: String, frame: String) throws {
        #expect(throws: RESPDecodingError.self, "\(name)") {
            _ = try decodeInChunks(bytes(frame), chunkSizes: [])
        }
        #expect(throws: RESPDecodingError.self, "\(name), byte by byte") {
            _ = try decodeInChunks(bytes(frame), chunkSizes: Array(repeating: 1, count: frame.utf8.count))
        }
    }

    @Test("limits reject oversize frames before the payload arrives")
    func enforcesLimits() throws {
        let limits = RESPDecoderLimits(maxDepth: 3, maxBulkLength: 10, maxAggregateCount: 4, maxLineLength: 16)
        let cases: [String] = [
            "$11\r\n",  // declared bulk length over the cap: rejected from the header alone
            "!11\r\n",
            "*5\r\n",
            "%3\r\n",  // 3 pairs = 6 elements
            "*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",  // depth 4
            "+" + String(repeating: "a", count: 40),  // no CRLF and already too long
            "+" + String(repeating: "a", count: 17) + "\r\n",
        ]
        for frame in cases {
            let error = #expect(throws: RESPDecodingError.self, "\(frame.prefix(12))") {
                var buffer = ByteBuffer(string: frame)
                _ = try RESPDecoder(limits: limits).decodeAll(from: &buffer)
            }
            #expect(error?.isLimitExceeded == true, "\(frame.prefix(12)): \(String(describing: error))")
            if frame == "%3\r\n" {
                // Pairs are told as elements, as the limit counts them.
                #expect(error?.description == "RESP aggregate of 6 elements exceeds the limit of 4")
            }
        }
        // At the limits exactly, frames decode.
        var ok = ByteBuffer(string: "$10\r\n0123456789\r\n*1\r\n*1\r\n*1\r\n:1\r\n%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n")
        #expect(try RESPDecoder(limits: limits).decodeAll(from: &ok).count == 3)
        // Caps as large as an Int holds do not overflow the search for a line's end.
        let unbounded = RESPDecoderLimits(
            maxDepth: 8, maxBulkLength: .max, maxAggregateCount: .max, maxLineLength: .max)
        var frames = ByteBuffer(string: "+OK\r\n$3\r\nabc\r\n*1\r\n:7\r\n+still")
        #expect(
            try RESPDecoder(limits: unbounded).decodeAll(from: &frames)
                == [.simpleString("OK"), .bulkString(ByteBuffer(string: "abc")), .array([.integer(7)])])
        #expect(frames.readableBytes == 6, "the incomplete line is left for more bytes")
    }

    @Test("an incomplete line without CRLF waits for more bytes below the line cap")
    func waitsForLine() throws {
        var buffer = ByteBuffer(string: "+still coming")
        #expect(try RESPDecoder().decode(from: &buffer) == nil)
        #expect(buffer.readableBytes == 13)
    }

    @Test("errors print on one line and show no more than an escaped excerpt")
    func errorDescriptions() throws {
        var buffer = ByteBuffer(bytes: [0x01, 0x02, 0x0D, 0x0A])
        let error = #expect(throws: RESPDecodingError.self) { _ = try RESPDecoder().decode(from: &buffer) }
        #expect(error?.description == "invalid RESP type byte 0x01")
        var long = ByteBuffer(string: ":" + String(repeating: "9", count: 100) + "x\r\n")
        let numberError = #expect(throws: RESPDecodingError.self) { _ = try RESPDecoder().decode(from: &long) }
        let text = numberError?.description ?? ""
        #expect(!text.contains("\n") && text.count < 80, "\(text)")
    }

    @Test("debug descriptions hide bulk payloads")
    func debugHidesPayloads() {
        let value = RESPValue.array([.bulkString(ByteBuffer(string: "secret-token")), .integer(3)])
        #expect(value.debugDescription == "[<bulk 12 bytes>, :3]")
        #expect(!String(reflecting: value).contains("secret"))
    }
}

@Suite("Linear decoding of large replies")
struct LinearDecodingTests {
    /// A 300,000-element array (a big SCAN or CLUSTER reply and more) arriving in
    /// 1.4 KB TCP segments: each byte is examined a bounded number of times, not once per segment.
    @Test("a 300k-element array in 1.4 KB segments is scanned once, and decodes as if whole")
    func segmentedLargeArray() throws {
        var whole = ByteBuffer()
        let count = 300_000
        whole.writeString("*\(count)\r\n")
        for index in 0..<count {
            whole.writeString(index % 2 == 0 ? ":\(index)\r\n" : "$6\r\nk\(index % 10_000 + 10_000)\r\n")
        }
        let total = whole.readableBytes
        var decoder = RESPStreamDecoder()
        var incoming = ByteBuffer()
        var decoded: RESPValue?
        var offset = 0
        while offset < total {
            let length = min(1400, total - offset)
            incoming.writeImmutableBuffer(whole.getSlice(at: offset, length: length) ?? ByteBuffer())
            offset += length
            if let value = try decoder.next(from: &incoming) { decoded = value }
        }
        let value = try #require(decoded)
        #expect(value.elements?.count == count)
        #expect(value.elements?.last?.bytes == Array("k19999".utf8))
        #expect(incoming.readableBytes == 0)
        // The examined bytes stay within a small multiple of the reply's size.
        let examined = decoder.bytesExamined
        #expect(examined <= 2 * total, "examined \(examined) bytes of \(total)")
    }

    /// A server trickling a long line one byte per segment (found by FuzzHostileRESP: 32 s of
    /// CPU under AddressSanitizer for one reply, the line searched again from its start with
    /// each byte): the search resumes where it stopped.
    @Test("a 60 KB line arriving a byte at a time is searched once")
    func trickledLongLine() throws {
        let line = "+" + String(repeating: "x", count: 60_000) + "\r\n"
        var decoder = RESPStreamDecoder()
        var incoming = ByteBuffer()
        var decoded: RESPValue?
        for byte in line.utf8 {
            incoming.writeInteger(byte)
            if let value = try decoder.next(from: &incoming) { decoded = value }
        }
        #expect(decoded?.stringValue?.count == 60_000)
        #expect(decoder.bytesExamined <= 2 * line.utf8.count, "examined \(decoder.bytesExamined)")
    }

    @Test("whole, byte by byte and in random splits: the same values, a pending value resumes")
    func chunkingsAgree() throws {
        var whole = ByteBuffer()
        whole.writeString("*3\r\n$3\r\nabc\r\n%1\r\n+k\r\n*2\r\n:1\r\n_\r\n|1\r\n+a\r\n:2\r\n:7\r\n+OK\r\n")
        let expected = try RESPDecoder().decodeAll(from: &whole)
        whole.moveReaderIndex(to: 0)
        var generator = SystemRandomNumberGenerator()
        for split in [1, 2, 3, 5, 7, 64] {
            var decoder = RESPStreamDecoder()
            var incoming = ByteBuffer()
            var values: [RESPValue] = []
            var offset = 0
            while offset < whole.readableBytes {
                let length = min(
                    split == 64 ? Int.random(in: 1...9, using: &generator) : split, whole.readableBytes - offset)
                incoming.writeImmutableBuffer(whole.getSlice(at: offset, length: length) ?? ByteBuffer())
                offset += length
                while let value = try decoder.next(from: &incoming) { values.append(value) }
            }
            #expect(values == expected, "split \(split)")
        }
        #expect(expected.count == 2)
    }

    @Test("chained attributes count towards the nesting cap")
    func chainedAttributes() {
        var buffer = ByteBuffer()
        for _ in 0..<40 { buffer.writeString("|1\r\n+a\r\n:1\r\n") }
        buffer.writeString(":2\r\n")
        var decoder = RESPStreamDecoder()
        #expect(throws: RESPDecodingError.self) { _ = try decoder.next(from: &buffer) }
        // The one-shot decoder, without the frame scanner in front, counts them the same way:
        // 4,000 chained attributes (48 KB) are a depth error, not a stack overflow.
        var long = ByteBuffer()
        for _ in 0..<4000 { long.writeString("|1\r\n+a\r\n:1\r\n") }
        long.writeString(":2\r\n")
        let error = #expect(throws: RESPDecodingError.self) { _ = try RESPDecoder().decode(from: &long) }
        #expect(error?.description == "RESP nesting deeper than 32 levels")
        // Within the cap they decode, as deep as they are long.
        var short = ByteBuffer()
        for _ in 0..<31 { short.writeString("|1\r\n+a\r\n:1\r\n") }
        short.writeString(":2\r\n")
        var scanner = RESPStreamDecoder()
        #expect((try? scanner.next(from: &short)) != nil)
    }
}
