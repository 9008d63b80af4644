import NIOCore

/// Finds where the next RESP value ends, resuming where it stopped when bytes were missing:
/// a reply that arrives in many segments is scanned once in all, not once per segment.
///
/// It checks what locating the end needs — type bytes, CRLFs, lengths, the caps — and counts
/// every aggregate, attributes included, towards the nesting cap, so that nothing which later
/// walks the value can recurse deeper than ``RESPDecoderLimits/maxDepth``. It keeps state
/// between calls for the value at the reader index; once it returns a length the caller
/// consumes that many bytes and the scanner starts afresh.
public struct RESPFrameScanner: Sendable {
    /// The caps applied.
    public let limits: RESPDecoderLimits
    /// Bytes of the current value already scanned, from the reader index.
    private var offset = 0
    /// Elements still expected by each open aggregate, innermost last.
    private var open: [Int] = []
    /// Where the search for the end of the header line at `offset` stopped for want of bytes
    /// (0 when it has not): a line trickled in byte by byte is searched once, not once per byte.
    private var lineSearched = 0
    /// Bytes examined so far, over all calls: a machine-independent measure of the work done,
    /// for tests and benchmarks (linear in the bytes received, however they are segmented).
    public private(set) var bytesExamined = 0

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    /// A scanner with the given caps.
    public init(limits: RESPDecoderLimits = .default) {
        self.limits = limits
    }

    /// The length of the complete value at the reader index of `buffer`, or `nil` when more
    /// bytes are needed (the next call, with those bytes appended, resumes).
    public mutating func frameLength(in buffer: ByteBuffer) throws(RESPDecodingError) -> Int? {
        let result = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(RESPDecodingError) -> Int? in try scan(bytes) }
        }
        return try result.get()
    }

    /// Forgets a partly scanned value (after the caller dropped its bytes).
    public mutating func reset() {
        offset = 0
        lineSearched = 0
        open.removeAll(keepingCapacity: true)
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer) throws(RESPDecodingError) -> Int? {
        let count = bytes.count
        while offset < count {
            let marker = bytes[offset]
            // The header line: the first CR must be followed by LF, and no LF may come alone.
            let lineStart = offset + 1
            // Never past the bytes, without overflow whatever the cap.
            let searchEnd = limits.maxLineLength < count - lineStart ? lineStart + limits.maxLineLength + 1 : count
            let resumeAt = lineSearched > lineStart ? lineSearched : lineStart
            var index = resumeAt
            while index < searchEnd && bytes[index] != Self.cr && bytes[index] != Self.lf { index += 1 }
            bytesExamined += index - resumeAt + (resumeAt == lineStart ? 2 : 1)
            guard index < searchEnd else {
                if index - lineStart > limits.maxLineLength { throw .lineTooLong(limit: limits.maxLineLength) }
                lineSearched = index
                return nil
            }
            guard bytes[index] == Self.cr else { throw .missingCRLF }
            guard index + 1 < count else {
                lineSearched = index
                return nil
            }
            guard bytes[index + 1] == Self.lf else { throw .missingCRLF }
            lineSearched = 0
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index])
            let next = index + 2
            switch marker {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"),
                UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "("):
                offset = next
            case UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "="):
                let length = try Self.length(line, allowsNull: marker == UInt8(ascii: "$"))
                if length < 0 {
                    offset = next
                } else {
                    guard length <= limits.maxBulkLength else {
                        throw .bulkTooLarge(length, limit: limits.maxBulkLength)
                    }
                    let end = next + length + 2
                    guard end <= count else { return nil }  // the header is read again then: a few bytes
                    guard bytes[end - 2] == Self.cr, bytes[end - 1] == Self.lf else { throw .missingCRLF }
                    offset = end
                }
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
                let declared = try Self.length(line, allowsNull: marker == UInt8(ascii: "*"))
                offset = next
                if declared >= 0 {
                    let isPaired = marker == UInt8(ascii: "%") || marker == UInt8(ascii: "|")
                    let (elements, overflow) =
                        isPaired ? declared.multipliedReportingOverflow(by: 2) : (declared, false)
                    guard !overflow, elements <= limits.maxAggregateCount else {
                        throw .aggregateTooLarge(overflow ? Int.max : elements, limit: limits.maxAggregateCount)
                    }
                    guard open.count + 1 <= limits.maxDepth else { throw .depthExceeded(limit: limits.maxDepth) }
                    // An attribute is followed by the value it describes: one more element.
                    let expected = marker == UInt8(ascii: "|") ? elements + 1 : elements
                    if expected > 0 {
                        open.append(expected)
                        continue
                    }
                }
            default:
                throw .invalidTypeByte(marker)
            }
            // One element complete: close the aggregates it completes.
            while let last = open.last {
                if last > 1 {
                    open[open.count - 1] = last - 1
                    break
                }
                open.removeLast()
            }
            if open.isEmpty {
                let length = offset
                offset = 0
                return length
            }
        }
        return nil
    }

    /// A length: digits, or `-1` where a null is allowed. No sign, no `-0`, no spaces.
    private static func length(_ line: UnsafeRawBufferPointer, allowsNull: Bool) throws(RESPDecodingError) -> Int {
        if line.count == 2 && line[0] == UInt8(ascii: "-") && line[1] == UInt8(ascii: "1") {
            guard allowsNull else { throw .invalidLength("-1") }
            return -1
        }
        guard !line.isEmpty, line.count <= 18 else { throw .invalidLength(RESPDecodingError.excerpt(line)) }
        var value = 0
        for byte in line {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .invalidLength(RESPDecodingError.excerpt(line))
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
