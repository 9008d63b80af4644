/// Caps that keep a corrupt or hostile peer from making the decoder allocate without bound.
///
/// The defaults are generous for a monitoring client (INFO is a few tens of kilobytes,
/// SLOWLOG a few hundred entries) and still bounded.
public struct RESPDecoderLimits: Sendable, Hashable {
    /// How many aggregates (arrays, maps, sets, pushes, attributes) may nest inside each other.
    public var maxDepth: Int
    /// The largest bulk string, bulk error or verbatim string accepted, in bytes.
    public var maxBulkLength: Int
    /// The largest element count accepted for one aggregate (a map counts keys and values).
    public var maxAggregateCount: Int
    /// The longest line (simple string, error, number) accepted before its CRLF, in bytes.
    public var maxLineLength: Int

    /// Creates limits; each defaults to the value of ``default``.
    public init(
        maxDepth: Int = 32,
        maxBulkLength: Int = 64 * 1024 * 1024,
        maxAggregateCount: Int = 1 << 20,
        maxLineLength: Int = 64 * 1024
    ) {
        self.maxDepth = maxDepth
        self.maxBulkLength = maxBulkLength
        self.maxAggregateCount = maxAggregateCount
        self.maxLineLength = maxLineLength
    }

    /// Depth 32, bulk 64 MiB, aggregates of 1,048,576 elements, lines of 64 KiB.
    public static let `default` = RESPDecoderLimits()
}
