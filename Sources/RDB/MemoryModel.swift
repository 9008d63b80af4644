#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A key's memory in the server, as `MEMORY USAGE` counts it, estimated from how its value is
/// stored: the allocator's size classes over the structures a 64-bit server builds on load — the
/// key and its object, and per encoding its blob (listpacks, intsets: the stored bytes), its
/// nodes (quicklists), or its entries (hash tables, skiplists: an entry, a node and the bytes of
/// each member, field and value).
///
/// The structures differ by server family (``ServerLayout``: Redis 8 and Valkey 8 embed the key
/// in its object, Valkey 8.1 has its own hash table) and the sizes by allocator (``Allocator``).
/// Calibrated against `MEMORY USAGE … SAMPLES 0` on Redis 6.2, 7.0, 8.2 and Valkey 8.1
/// (`RDBMemoryTests`; figures per type in BENCHMARKS.md).
public struct MemoryModel: Sendable {
    /// The server family whose structures are counted.
    public var layout: ServerLayout
    /// The allocator whose size classes round each allocation.
    public var allocator: Allocator

    /// The model of `layout` with `allocator`.
    public init(layout: ServerLayout = .redis7, allocator: Allocator = .jemalloc) {
        self.layout = layout
        self.allocator = allocator
        skiplistNode = Self.averageSkiplistNode(allocator)
    }

    /// The allocation `allocator` makes for `size` bytes.
    func allocation(_ size: Int64) -> Int64 { allocator.allocation(size) }

    /// The bytes an sds string of `length` needs before allocation: its header (1, 3, 5 or 9
    /// bytes; 1 only for `short` strings under 32 bytes), the bytes and a NUL.
    static func sdsBytes(_ length: Int64, short: Bool = false) -> Int64 {
        let header: Int64 =
            short && length < 32 ? 1 : length < 256 ? 3 : length < 65_536 ? 5 : length < 1 << 32 ? 9 : 17
        return header + length + 1
    }

    /// An sds string of `length` bytes, allocated.
    func sds(_ length: Int64, short: Bool = false) -> Int64 { allocation(Self.sdsBytes(length, short: short)) }

    /// The object header every value has.
    static let objectHeader: Int64 = 16
    /// A dictionary entry (key, value, next).
    static let dictionaryEntry: Int64 = 24
    /// The longest string stored in its object (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
    static let embeddedStringLimit: Int64 = 44
    /// The longest list a 7.2+ server keeps as one listpack rather than a quicklist
    /// (`list-max-listpack-size -2`: 8 KB).
    static let listpackListLimit: Int64 = 8_192

    /// A dict of `count` entries: its table of pointers (a power of two) and the dict itself.
    func dictionary(_ count: Int64) -> Int64 {
        var buckets: Int64 = 4
        while buckets < count { buckets *= 2 }
        return allocation(layout == .redis6 ? 96 : 56) + allocation(buckets * 8)
    }

    /// Valkey 8.1's hash table of `count` entries: 64-byte buckets of seven entries (a power of
    /// two of them, one per seven entries or more), the child buckets that hold what overflows
    /// a full bucket (a Poisson estimate), and the table itself.
    func valkeyTable(_ count: Int64) -> Int64 {
        guard count > 0 else { return allocation(96) }
        var buckets: Int64 = 1
        while buckets * 7 < count { buckets *= 2 }
        let perBucket = Double(count) / Double(buckets)
        // Buckets with more than 7, 14, 21… entries each chain one more child.
        var overflowing = 0.0
        var term = exp(-perBucket)
        var cumulative = term
        for entries in 1...64 {
            term *= perBucket / Double(entries)
            cumulative += term
            if entries % 7 == 0 { overflowing += max(0, 1 - cumulative) }
        }
        return allocation(96) + (buckets + Int64((Double(buckets) * overflowing).rounded())) * 64
    }

    /// A skiplist node on average: 24 bytes and 16 per level, a level's chance 1/4, each size
    /// rounded by the allocator.
    let skiplistNode: Int64
    private static func averageSkiplistNode(_ allocator: Allocator) -> Int64 {
        var average = 0.0
        var chance = 0.75
        for level in 1...32 {
            average += chance * Double(allocator.allocation(24 + 16 * Int64(level)))
            chance /= 4
        }
        return Int64(average.rounded())
    }

    /// The skiplist's header node: 32 levels.
    var skiplistHeader: Int64 { allocation(24 + 32 * 16) }

    /// A stream's tail listpack as a live server allocates it: `stream-node-max-bytes` (4,096 by
    /// default) up front, then filled.
    static let streamNodeBytes: Int64 = 4_096

    /// The estimate for a key of `keyLength` bytes whose value has `shape`, stored as `encoding`.
    func estimate(encoding: RDBEncoding, shape: ValueShape, keyLength: Int, hasExpiry: Bool = false) -> Int64 {
        let name = Self.sdsBytes(Int64(keyLength), short: true)
        if layout.embedsKeys {
            // The object, a byte saying the key's header size, the key, the expiry if any.
            let object = Self.objectHeader + 1 + name + (hasExpiry ? 8 : 0)
            if encoding == .string { return embeddedString(object: object, shape: shape) }
            return allocation(object) + value(encoding, shape)
        }
        let key = allocation(name) + Self.dictionaryEntry
        if encoding == .string { return key + classicString(shape) }
        return key + Self.objectHeader + value(encoding, shape)
    }

    /// A string's object on a layout that keeps keys apart: an integer in the object, a short
    /// string in the object's allocation, a longer one in its own.
    private func classicString(_ shape: ValueShape) -> Int64 {
        let header = Self.objectHeader
        if shape.isInteger { return header }
        if shape.length <= Self.embeddedStringLimit {
            // Redis 6 counts an embedded string by its bytes, not its allocation.
            return layout == .redis6 ? header + shape.length + 2 : allocation(header + 3 + shape.length + 1)
        }
        return header + sds(shape.length)
    }

    /// A string on a layout that embeds the key: the value in the same allocation while the
    /// whole fits a cache line, else in its own.
    private func embeddedString(object: Int64, shape: ValueShape) -> Int64 {
        if shape.isInteger { return allocation(object) }
        let embedded = 3 + shape.length + 1
        let line: Int64 = layout == .valkey8 ? 66 : 64
        if shape.length <= Self.embeddedStringLimit && object + embedded <= line {
            return allocation(object + embedded)
        }
        return allocation(object) + sds(shape.length)
    }

    /// The value's structures besides its object header (counted with the key).
    private func value(_ encoding: RDBEncoding, _ shape: ValueShape) -> Int64 {
        switch encoding {
        case .string:
            return classicString(shape)
        case .list, .listZiplist, .listQuicklist, .listQuicklist2:
            // 7.2+ keep a short list as one listpack; else a quicklist: its header, a node per
            // blob, each blob's bytes.
            let blobs = max(shape.blobs, 1)
            let perBlob = shape.blobBytes > 0 ? shape.blobBytes / blobs : (shape.stringBytes + 2 * shape.length)
            if layout.keepsShortListsInOneListpack && blobs == 1 && perBlob <= Self.listpackListLimit {
                return allocation(perBlob)
            }
            return allocation(40) + blobs * (allocation(32) + allocation(perBlob))
        case .set:
            if layout == .valkey8 { return valkeyTable(shape.length) + shape.stringAllocations }
            return dictionary(shape.length) + shape.length * Self.dictionaryEntry + shape.stringAllocations
        case .hash, .hashMetadata, .hashMetadataPreGA, .valkeyHash2:
            if layout == .valkey8 { return valkeyTable(shape.length) + shape.entryAllocations }
            return dictionary(shape.length) + shape.length * Self.dictionaryEntry + shape.stringAllocations
        case .zset, .zset2:
            // A dict (or Valkey's table) and a skiplist: per member an entry, a node and the member.
            let skiplist = allocation(16) + allocation(32) + skiplistHeader
            let perMember: Int64
            let table: Int64
            switch layout {
            case .redis6:
                (table, perMember) = (dictionary(shape.length), Self.dictionaryEntry + skiplistNode)
            case .redis7, .redis72:
                // 8 bytes a member more than the structures add up to, as measured on 7.0.
                (table, perMember) = (dictionary(shape.length), Self.dictionaryEntry + skiplistNode + 8)
            case .redis8:
                (table, perMember) = (dictionary(shape.length), 16 + skiplistNode)  // entries without a value
            case .valkey8:
                (table, perMember) = (valkeyTable(shape.length), skiplistNode)
            }
            return skiplist + table + shape.length * perMember + shape.stringAllocations
        case .setIntset, .hashZipmap, .zsetZiplist, .hashZiplist, .hashListpack, .zsetListpack, .setListpack,
            .hashListpackExPreGA, .hashListpackEx:
            return allocation(shape.blobBytes)
        case .streamListpacks, .streamListpacks2, .streamListpacks3, .streamListpacks4:
            // Listpacks in a radix tree (a node or two each), the tail one preallocated; groups,
            // consumers, pending entries.
            let full = shape.blobBytes - shape.lastBlobBytes
            let blobs = max(shape.blobs, 1)
            return 300 + blobs * 200 + allocation(full / blobs) * (blobs - 1)
                + allocation(max(shape.lastBlobBytes, Self.streamNodeBytes))
                + shape.streamGroups * 128 + shape.streamConsumers * 96 + shape.streamPending * 64
                + shape.stringAllocations  // idempotent producers and their ids (type 26)
        case .module2, .modulePreGA:
            return shape.stringAllocations
        }
        // (The expiry's own dictionary entry is not in `MEMORY USAGE`.)
    }

    /// A hash field and its value as Valkey 8.1 stores them: one allocation while both fit a
    /// cache line, else the value apart.
    func valkeyHashEntry(field: Int64, value: Int64) -> Int64 {
        let together = 1 + Self.sdsBytes(field, short: true) + Self.sdsBytes(value)
        if together <= 64 { return allocation(together) }
        return allocation(1 + Self.sdsBytes(field, short: true) + 8) + sds(value)
    }
}
