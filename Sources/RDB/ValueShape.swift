/// What a value's stored form says of its size, for the memory estimate: counts and byte sums,
/// never content.
struct ValueShape {
    /// Elements (a string: its bytes).
    var length: Int64 = 0
    /// The packed blobs' bytes, uncompressed (listpacks, ziplists, intsets, zipmaps).
    var blobBytes: Int64 = 0
    /// Packed blobs (quicklist nodes, stream listpacks).
    var blobs: Int64 = 0
    /// The last blob's bytes (a stream's tail node, which a live server preallocates).
    var lastBlobBytes: Int64 = 0
    /// The bytes of the strings stored one by one (members, fields and values of hash tables
    /// and skiplists, a plain string's value).
    var stringBytes: Int64 = 0
    /// Their allocations once loaded, each an sds string (``MemoryModel/sds(_:short:)``).
    var stringAllocations: Int64 = 0

    /// Takes in one string stored on its own, of `length` bytes.
    mutating func addString(_ length: Int) {
        stringBytes += Int64(length)
        stringAllocations += MemoryModel.sds(Int64(length), short: true)
    }
    /// A string value that is an integer (stored in 8 bytes or shared).
    var isInteger = false
    /// A stream's consumer groups, consumers and pending entries.
    var streamGroups: Int64 = 0
    var streamConsumers: Int64 = 0
    var streamPending: Int64 = 0
}
