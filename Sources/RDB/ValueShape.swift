/// What a value's stored form says of its size, for the memory estimate: counts and byte sums,
/// never content.
struct ValueShape {
    /// The model whose allocations the strings' sums count in.
    let memory: MemoryModel
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
    /// Their allocations once loaded, each an sds string.
    var stringAllocations: Int64 = 0
    /// A hash's fields and values as Valkey 8.1 allocates them, a field with its value.
    var entryAllocations: Int64 = 0

    init(memory: MemoryModel) {
        self.memory = memory
    }

    /// Takes in one string stored on its own, of `length` bytes.
    mutating func addString(_ length: Int) {
        stringBytes += Int64(length)
        stringAllocations += memory.sds(Int64(length), short: true)
    }

    /// Takes in a hash's field and its value.
    mutating func addField(_ field: Int, value: Int) {
        addString(field)
        addString(value)
        if memory.layout == .valkey8 {
            entryAllocations += memory.valkeyHashEntry(field: Int64(field), value: Int64(value))
        }
    }
    /// A string value that is an integer (stored in 8 bytes or shared).
    var isInteger = false
    /// A stream's consumer groups, consumers and pending entries.
    var streamGroups: Int64 = 0
    var streamConsumers: Int64 = 0
    var streamPending: Int64 = 0
}
