import NIOCore

/// The replies to a ``CommandBatch``, undecoded: each a complete RESP frame, in order, one
/// after the other in ``buffer`` (pushes left out). For readers that turn replies straight into
/// their own types without building ``RESP/RESPValue`` trees.
public struct RawReplies: Sendable {
    /// The frames, back to back.
    public var buffer: ByteBuffer
    /// How many frames.
    public let count: Int
    /// Time from writing the batch to its last reply.
    public let latency: Duration
}
