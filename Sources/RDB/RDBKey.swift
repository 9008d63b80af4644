/// One key of an RDB file as the reader saw it: never its value, only what a keyspace report
/// needs. The name is a slice of the reader's buffer, valid during the callback that gets it.
public struct RDBKey {
    /// The database it is in.
    public var database: Int
    /// The key's name, valid until the reader goes on.
    public var name: UnsafeRawBufferPointer
    /// How its value is stored.
    public var encoding: RDBEncoding
    /// The module type's 64-bit id for a module value (its name and encoding version), else
    /// `nil`: kept as a number so that a key is a plain value, copied without reference counting.
    public var moduleID: UInt64?
    /// Bytes of a string (as `STRLEN` counts them); elements of a collection; entries of a stream.
    public var length: Int64
    /// When it expires (milliseconds since 1970), if it does.
    public var expiresAtMilliseconds: Int64?
    /// Seconds since it was last used, where the dump carries it (LRU policies).
    public var idleSeconds: Int64?
    /// Its LFU counter, where the dump carries it (LFU policies).
    public var frequency: Int64?
    /// Its estimated memory in the server, as `MEMORY USAGE` counts it.
    public var memoryBytes: Int64
    /// Its value's bytes in the file (what reading it costs).
    public var serializedBytes: Int64

    /// The module type's name for a module value (`ReJSON-RL`), else `nil`.
    public var moduleType: String? { moduleID.map(RDBReader.moduleName) }

    /// The type a server's `TYPE` reports.
    public var typeName: String { encoding.typeName(moduleID: moduleID) }
}
