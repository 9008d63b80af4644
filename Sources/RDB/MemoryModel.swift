/// A key's memory in the server, as `MEMORY USAGE` counts it, estimated from how its value is
/// stored: jemalloc's size classes over the structures a 64-bit server builds on load — the
/// key's dictionary entry and name, the value's object header, and per encoding its blob
/// (listpacks, intsets: the stored bytes), its nodes (quicklists), or its entries (hash tables,
/// skiplists: an entry, a string header and the bytes of each member, field and value).
enum MemoryModel {
    /// The allocation jemalloc makes for `size` bytes, with the size classes of the jemalloc
    /// Redis builds (an 8-byte quantum): every 8 bytes to 64, every 16 to 128, then four
    /// classes per doubling.
    static func allocation(_ size: Int64) -> Int64 {
        guard size > 0 else { return 0 }
        if size <= 64 { return (size + 7) / 8 * 8 }
        if size <= 128 { return (size + 15) / 16 * 16 }
        var power: Int64 = 128
        while power * 2 < size { power *= 2 }
        let step = power / 4
        return (size + step - 1) / step * step
    }

    /// An sds string of `length` bytes: its header (1, 3, 5 or 9 bytes), the bytes and a NUL.
    static func sds(_ length: Int64, short: Bool = false) -> Int64 {
        let header: Int64 =
            short && length < 32 ? 1 : length < 256 ? 3 : length < 65_536 ? 5 : length < 1 << 32 ? 9 : 17
        return allocation(header + length + 1)
    }

    /// The object header every value has.
    static let objectHeader: Int64 = 16
    /// A dictionary entry (key, value, next).
    static let dictionaryEntry: Int64 = 24

    /// A hash table of `count` entries: its table of pointers (a power of two) and the dict.
    static func dictionary(_ count: Int64) -> Int64 {
        var buckets: Int64 = 4
        while buckets < count { buckets *= 2 }
        return allocation(56) + allocation(buckets * 8)
    }

    /// A stream's tail listpack as a live server allocates it: `stream-node-max-bytes` (4,096 by
    /// default) up front, then filled.
    static let streamNodeBytes: Int64 = 4_096

    /// The skiplist's header node: 32 levels.
    static let skiplistHeader = allocation(24 + 32 * 16)

    /// The estimate for a key of `keyLength` bytes whose value has `shape`, stored as `encoding`.
    static func estimate(encoding: RDBEncoding, shape: ValueShape, keyLength: Int) -> Int64 {
        let key = sds(Int64(keyLength), short: true) + dictionaryEntry
        var value: Int64
        switch encoding {
        case .string:
            if shape.isInteger {
                value = objectHeader
            } else if shape.length <= 44 {
                value = allocation(objectHeader + 3 + shape.length + 1)  // embstr: one allocation
            } else {
                value = objectHeader + sds(shape.length)
            }
        case .list, .listZiplist, .listQuicklist, .listQuicklist2:
            // A quicklist: its header, a node per blob, each blob's bytes.
            let blobs = max(shape.blobs, 1)
            let perBlob = shape.blobBytes > 0 ? shape.blobBytes / blobs : (shape.stringBytes + 2 * shape.length)
            value = objectHeader + allocation(40) + blobs * (allocation(32) + allocation(perBlob))
        case .set:
            value = objectHeader + dictionary(shape.length) + shape.length * dictionaryEntry + shape.stringAllocations
        case .hash, .hashMetadata, .hashMetadataPreGA, .valkeyHash2:
            value = objectHeader + dictionary(shape.length) + shape.length * dictionaryEntry + shape.stringAllocations
        case .zset, .zset2:
            // A dict and a skiplist: an entry and a node each (24 bytes and 16 per level, a
            // level's chance 1/4: 63 bytes on average as measured with `MEMORY USAGE … SAMPLES
            // 0` on 150,000 members, allocator classes included), and the member.
            value =
                objectHeader + allocation(16) + allocation(32) + skiplistHeader + dictionary(shape.length)
                + shape.length * (dictionaryEntry + 63) + shape.stringAllocations
        case .setIntset, .hashZipmap, .zsetZiplist, .hashZiplist, .hashListpack, .zsetListpack, .setListpack,
            .hashListpackExPreGA, .hashListpackEx:
            value = objectHeader + allocation(shape.blobBytes)
        case .streamListpacks, .streamListpacks2, .streamListpacks3:
            // Listpacks in a radix tree (a node or two each), the tail one preallocated; groups,
            // consumers, pending entries.
            let full = shape.blobBytes - shape.lastBlobBytes
            let blobs = max(shape.blobs, 1)
            value =
                objectHeader + 300 + blobs * 200 + allocation(full / blobs) * (blobs - 1)
                + allocation(max(shape.lastBlobBytes, streamNodeBytes))
                + shape.streamGroups * 128 + shape.streamConsumers * 96 + shape.streamPending * 64
        case .module2, .modulePreGA:
            value = objectHeader + shape.stringAllocations
        }
        // (The expiry's own dictionary entry is not in `MEMORY USAGE`.)
        return key + value
    }
}
