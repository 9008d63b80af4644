import Foundation

/// What the sampler learned about one key — never its value.
public struct KeyMetadata: Sendable, Hashable {
    /// The key name, byte for byte (binary and non-UTF-8 names stay exact).
    public var name: [UInt8]
    /// `string`, `list`, `set`, `zset`, `hash`, `stream`, or a module type's name.
    public var type: String
    /// Remaining time to live in milliseconds; `nil` when the key has none.
    public var ttlMilliseconds: Int64?
    /// `MEMORY USAGE` in bytes; `nil` when unavailable.
    public var memoryBytes: Int64?
    /// Length for the type (bytes of a string, elements of a collection); `nil` when not sampled.
    public var length: Int64?
    /// `OBJECT FREQ` (LFU policies); `nil` otherwise.
    public var frequency: Int64?
    /// `OBJECT IDLETIME` in seconds (non-LFU policies); `nil` otherwise.
    public var idleSeconds: Int64?
    /// When the server reported the TTL (the PTTL reply's arrival), for absolute expiry times.
    public var observedAt: Date?

    /// Creates metadata.
    public init(
        name: [UInt8], type: String, ttlMilliseconds: Int64? = nil, memoryBytes: Int64? = nil, length: Int64? = nil,
        frequency: Int64? = nil, idleSeconds: Int64? = nil, observedAt: Date? = nil
    ) {
        self.name = name
        self.type = type
        self.ttlMilliseconds = ttlMilliseconds
        self.memoryBytes = memoryBytes
        self.length = length
        self.frequency = frequency
        self.idleSeconds = idleSeconds
        self.observedAt = observedAt
    }

    /// The absolute expiry time, when the key has a TTL and its observation time is known.
    public var expiresAt: Date? {
        guard let ttl = ttlMilliseconds, let observedAt else { return nil }
        return observedAt.addingTimeInterval(Double(ttl) / 1000)
    }

    /// The name for display: printable UTF-8 as is, other bytes escaped, quoted when needed.
    public var displayName: String { KeyName.escaped(name) }
}
