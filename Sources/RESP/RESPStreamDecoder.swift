import NIOCore

/// Decodes the values of a byte stream as its segments arrive, in time linear in the bytes
/// received however they are segmented: the end of a value is searched once, resuming where
/// the previous segment left off (``RESPFrameScanner``), and the value is built once complete.
public struct RESPStreamDecoder: Sendable {
    private var scanner: RESPFrameScanner
    private let decoder: RESPDecoder

    /// A stream decoder with the given caps.
    public init(limits: RESPDecoderLimits = .default) {
        scanner = RESPFrameScanner(limits: limits)
        decoder = RESPDecoder(limits: limits)
    }

    /// Bytes examined so far (see ``RESPFrameScanner/bytesExamined``).
    public var bytesExamined: Int { scanner.bytesExamined }

    /// The length of the next complete frame at the reader index of `buffer`, or `nil` when
    /// more bytes are needed. The caller must consume exactly that many bytes (or call
    /// ``next(from:)``, which does) before asking again.
    public mutating func nextFrameLength(in buffer: ByteBuffer) throws(RESPDecodingError) -> Int? {
        try scanner.frameLength(in: buffer)
    }

    /// Decodes and consumes the next complete value, or returns `nil` (consuming nothing) when
    /// more bytes are needed.
    public mutating func next(from buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue? {
        guard let length = try scanner.frameLength(in: buffer) else { return nil }
        return try decoder.decodeFrame(of: length, from: &buffer)
    }

    /// Decodes the `length`-byte frame at the reader index (as returned by
    /// ``nextFrameLength(in:)``) into a value and consumes it.
    public func decodeFrame(of length: Int, from buffer: inout ByteBuffer) throws(RESPDecodingError) -> RESPValue {
        try decoder.decodeFrame(of: length, from: &buffer)
    }
}
