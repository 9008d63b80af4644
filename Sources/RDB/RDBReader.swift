#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an RDB file key by key — its header, aux fields, databases, expiry, LRU/LFU and slot
/// opcodes, every value encoding (skipped by its length prefixes, packed encodings' headers read
/// in place), functions and module data — and verifies its CRC-64. Values are never kept: each
/// key is handed over with its metadata and estimated memory, its name a slice of a reused
/// buffer.
///
/// Formats: `REDIS0001`–`REDIS0013` (Redis up to 8.6, Valkey up to 8.x; RDB 13's per-key module
/// metadata, `KEY_META`, is skipped; its streams with idempotent-producer records, type 26, as
/// Redis's own librdb reads them) and `VALKEY080` (Valkey 9: slot imports, hashes with field TTLs
/// as type 22). Unknown opcodes and types, lengths past the end of the file, and values that are
/// not what their type says are one ``RDBError`` naming the offset and what was expected.
public final class RDBReader {
    /// What the file said besides its keys.
    public struct Summary: Sendable {
        /// The format version (`REDIS0011`: 11; `VALKEY080`: 80).
        public var version = 0
        /// Whether the file is Valkey's own format (`VALKEYnnn`, Valkey 9+).
        public var isValkey = false
        /// The aux fields (`redis-ver`, `ctime`, `used-mem`, `aof-base`…), as text.
        public var aux: [String: String] = [:]
        /// Keys per database.
        public var keysPerDatabase: [Int: Int] = [:]
        /// Keys with an expiry per database.
        public var expiringPerDatabase: [Int: Int] = [:]
        /// Function libraries stored.
        public var functions = 0
        /// Module aux blocks, by module type name.
        public var moduleAux: [String] = []
        /// Whether the checksum was verified (`false`: not asked, or the file carries none).
        public var checksumVerified = false
        /// The file's bytes.
        public var bytes: Int64 = 0

        /// The layout of the server that wrote the file, by its version aux field.
        public var layout: ServerLayout { ServerLayout(aux: aux) }

        /// When the dump was made (its `ctime` aux field), seconds since 1970.
        public var createdAt: Int64? { aux["ctime"].flatMap { Int64($0) } }
    }

    /// The newest Redis format version read.
    public static let newestVersion = 13
    /// The newest Valkey format version read (`VALKEY080`).
    public static let newestValkeyVersion = 80

    private let input: RDBInput
    private let verifies: Bool
    /// Content of strings read whole: a key's name, an aux field, a decompressed blob.
    private var scratch: [UInt8] = []
    /// The current key's name.
    private var name = ByteBuffer(capacity: 1024)

    /// How memory is estimated: the layout of the server that wrote the file (from its aux
    /// fields, Redis 7.0's until they say) with the allocator given.
    public private(set) var memory: MemoryModel

    /// Reads from `descriptor` (a file or a pipe; not closed here), verifying the CRC-64 unless
    /// `verifyChecksum` is false; memory estimated for a server built with `allocator`.
    public init(descriptor: Int32, verifyChecksum: Bool = true, allocator: Allocator = .jemalloc) {
        input = RDBInput(.descriptor(descriptor), checksum: verifyChecksum)
        memory = MemoryModel(allocator: allocator)
        verifies = verifyChecksum
        scratch.reserveCapacity(64 * 1024)
    }

    /// Reads `bytes` (a whole file in memory: tests, fuzzing).
    public init(bytes: [UInt8], verifyChecksum: Bool = true, allocator: Allocator = .jemalloc) {
        input = RDBInput(.memory(bytes), checksum: verifyChecksum)
        memory = MemoryModel(allocator: allocator)
        verifies = verifyChecksum
        scratch.reserveCapacity(64 * 1024)
    }

    deinit { name.deallocate() }

    /// Bytes read so far (for progress).
    public var bytesRead: Int64 { input.bytesRead }

    /// The dump's time (its `ctime` aux field, seconds since 1970), once read.
    public private(set) var createdAt: Int64?

    /// Reads the whole file, handing each key to `visit`; returns what else the file said.
    public func read(_ visit: (RDBKey) throws -> Void) throws -> Summary {
        var summary = Summary()
        (summary.version, summary.isValkey) = try header()
        let valkey = summary.isValkey
        var database = 0
        // The current database's counts, into the summary when the database changes or ends.
        var keysInDatabase = 0
        var expiringInDatabase = 0
        func countDatabase() {
            if keysInDatabase > 0 { summary.keysPerDatabase[database, default: 0] += keysInDatabase }
            if expiringInDatabase > 0 { summary.expiringPerDatabase[database, default: 0] += expiringInDatabase }
            (keysInDatabase, expiringInDatabase) = (0, 0)
        }
        var expiresAt: Int64?
        var idle: Int64?
        var frequency: Int64?
        while true {
            let start = input.offset
            let opcode = try input.byte("an opcode or a value type")
            switch opcode {
            case 0xFF:
                countDatabase()
                summary.checksumVerified = try trailer(version: summary.version)
                summary.bytes = input.offset
                return summary
            case 0xFE:
                let number = try length("a database number")
                guard number < 1 << 24 else {
                    throw RDBError(offset: start, "database \(number) is not a database number")
                }
                countDatabase()
                database = Int(number)
            case 0xFD:
                expiresAt = Int64(try input.littleEndian(4, "an expiry in seconds")) * 1000
            case 0xFC:
                expiresAt = Int64(bitPattern: try input.littleEndian(8, "an expiry in milliseconds"))
            case 0xFB:
                _ = try length("the database's size hint")
                _ = try length("the database's expiry size hint")
            case 0xFA:
                let key = try text("an aux field's name")
                let value = try text("the value of aux field \(key)")
                summary.aux[key] = value
                if key == "ctime" { createdAt = Int64(value) }
                if key == "redis-ver" || key == "valkey-ver" { memory.layout = ServerLayout(aux: summary.aux) }
            case 0xF9:
                frequency = Int64(try input.byte("an LFU frequency"))
            case 0xF8:
                idle = Int64(clamping: try length("an idle time"))
            case 0xF7:
                summary.moduleAux.append(try moduleAux())
            case 0xF5:
                try skipString("a function library")
                summary.functions += 1
            case 0xF6:
                throw RDBError(offset: start, "functions of a Redis 7.0 release candidate (opcode 246) are not read")
            case 0xF4:
                _ = try length("a slot number")
                _ = try length("a slot's size")
                _ = try length("a slot's expiry size")
            case 0xF3 where valkey:
                // Valkey 9: a slot import under way — its job's name and slot ranges.
                try skipString("a slot import's name")
                let ranges = try elementCount("a slot import's ranges")
                for _ in 0..<ranges {
                    _ = try length("a slot range's start")
                    _ = try length("a slot range's end")
                }
            case 0xF3 where summary.version >= 13:
                // Redis 8.6: module metadata of the next key — per class, its 32-bit spec and
                // the module's values up to their end marker.
                let classes = try elementCount("the key metadata's classes")
                var shape = ValueShape(memory: memory)
                for _ in 0..<classes {
                    try input.skip(4, "a key metadata class")
                    try moduleOpcodes(into: &shape)
                }
            default:
                guard let encoding = RDBEncoding(typeByte: opcode, valkey: valkey) else {
                    throw RDBError(offset: start, "unknown opcode or value type \(opcode)")
                }
                let nameLength = try readName()
                let valueStart = input.offset
                var moduleID: UInt64?
                let shape = try value(encoding, moduleID: &moduleID)
                let memoryBytes = memory.estimate(
                    encoding: encoding, shape: shape, keyLength: nameLength, hasExpiry: expiresAt != nil)
                try visit(
                    RDBKey(
                        database: database, name: name.bytes, encoding: encoding, moduleID: moduleID,
                        length: shape.length, expiresAtMilliseconds: expiresAt, idleSeconds: idle,
                        frequency: frequency, memoryBytes: memoryBytes, serializedBytes: input.offset - valueStart))
                keysInDatabase += 1
                if expiresAt != nil { expiringInDatabase += 1 }
                expiresAt = nil
                idle = nil
                frequency = nil
            }
        }
    }

    // MARK: - Structure

    private func header() throws(RDBError) -> (version: Int, valkey: Bool) {
        let magic = try input.bytes(9, "the header (REDIS or VALKEY and a version)")
        let text = String(decoding: magic, as: UTF8.self)
        if text.hasPrefix("REDIS"), let version = Int(text.dropFirst(5)) {
            guard (1...Self.newestVersion).contains(version) else {
                throw RDBError(
                    offset: 5, "RDB version \(version) is not read here (versions 1 to \(Self.newestVersion) are)")
            }
            return (version, false)
        }
        if text.hasPrefix("VALKEY"), let version = Int(text.dropFirst(6)) {
            guard (80...Self.newestValkeyVersion).contains(version) else {
                throw RDBError(
                    offset: 6,
                    "Valkey RDB version \(version) is not read here (version \(Self.newestValkeyVersion), Valkey 9, is)"
                )
            }
            return (version, true)
        }
        throw RDBError(offset: 0, "not an RDB file (it starts with \(Self.printable(magic)), not REDIS or VALKEY)")
    }

    /// After the EOF opcode: the CRC-64 (version 5+), checked when asked; nothing may follow.
    private func trailer(version: Int) throws(RDBError) -> Bool {
        guard version >= 5 else { return false }
        let computed = input.checksum
        let offset = input.offset
        let stored = try input.littleEndian(8, "the checksum")
        guard verifies, stored != 0, let computed else { return false }
        guard computed == stored else {
            throw RDBError(
                offset: offset,
                "the checksum does not match: stored \(Self.hex(stored)), computed \(Self.hex(computed)) (a damaged file; --no-verify reads it anyway)"
            )
        }
        return true
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func printable(_ bytes: UnsafeRawBufferPointer) -> String {
        "\""
            + bytes.map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
            .joined() + "\""
    }

    // MARK: - Lengths and strings

    /// A length; encoded strings (integers, LZF) are refused here.
    private func length(_ what: @autoclosure () -> String) throws(RDBError) -> UInt64 {
        let offset = input.offset
        let (value, encoded) = try lengthOrEncoding(what())
        guard !encoded else { throw RDBError(offset: offset, "\(what()): a length expected, an encoded string found") }
        return value
    }

    /// The most elements a collection may say it has (2^40: far above any server's 2^32).
    static let largestCount: UInt64 = 1 << 40

    /// A collection's element count.
    private func elementCount(_ what: @autoclosure () -> String) throws(RDBError) -> UInt64 {
        let offset = input.offset
        let value = try length(what())
        guard value <= Self.largestCount else {
            throw RDBError(offset: offset, "\(what()): \(value) is more than any server holds")
        }
        return value
    }

    private func lengthOrEncoding(_ what: @autoclosure () -> String) throws(RDBError) -> (UInt64, Bool) {
        let offset = input.offset
        let first = try input.byte(what())
        switch first >> 6 {
        case 0: return (UInt64(first & 0x3F), false)
        case 1: return (UInt64(first & 0x3F) << 8 | UInt64(try input.byte(what())), false)
        case 2:
            switch first {
            case 0x80: return (try input.bigEndian(4, what()), false)
            case 0x81: return (try input.bigEndian(8, what()), false)
            default: throw RDBError(offset: offset, "\(what()): unknown length encoding \(first)")
            }
        default: return (UInt64(first & 0x3F), true)
        }
    }

    /// How a string is stored.
    private enum StoredString {
        case integer(Int64)
        case raw(Int)
        case compressed(stored: Int, length: Int)
    }

    private func stringHeader(_ what: @autoclosure () -> String) throws(RDBError) -> StoredString {
        let offset = input.offset
        let (value, encoded) = try lengthOrEncoding(what())
        guard encoded else {
            guard value <= UInt64(Int32.max) * 2 else {
                throw RDBError(offset: offset, "\(what()): a string of \(value) bytes (512 MB at most)")
            }
            return .raw(Int(value))
        }
        switch value {
        case 0: return .integer(Int64(Int8(bitPattern: try input.byte(what()))))
        case 1: return .integer(Int64(Int16(bitPattern: UInt16(try input.littleEndian(2, what())))))
        case 2: return .integer(Int64(Int32(bitPattern: UInt32(try input.littleEndian(4, what())))))
        case 3:
            let stored = try length(what())
            let length = try self.length(what())
            guard stored <= UInt64(Int32.max), length <= UInt64(Int32.max) * 2 else {
                throw RDBError(offset: offset, "\(what()): a compressed string of \(length) bytes (512 MB at most)")
            }
            // LZF grows data at most about 130 times (a 3-byte reference stands for 264 bytes).
            guard length <= stored * 132 + 64 else {
                throw RDBError(offset: offset, "\(what()): \(stored) compressed bytes cannot hold \(length)")
            }
            return .compressed(stored: Int(stored), length: Int(length))
        default:
            throw RDBError(offset: offset, "\(what()): unknown string encoding \(value)")
        }
    }

    /// Skips a string; returns its length (as `STRLEN` counts it) and whether it is an integer.
    @discardableResult
    private func skipString(_ what: @autoclosure () -> String) throws(RDBError) -> (length: Int, integer: Bool) {
        switch try stringHeader(what()) {
        case .integer(let value): return (Self.digits(value), true)
        case .raw(let length):
            try input.skip(Int64(length), what())
            return (length, false)
        case .compressed(let stored, let length):
            try input.skip(Int64(stored), what())
            return (length, false)
        }
    }

    /// The characters of `value` written in decimal.
    static func digits(_ value: Int64) -> Int {
        var count = value < 0 ? 2 : 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// Reads a string's content into `buffer` (replacing it); returns its length.
    private func readString(into buffer: inout [UInt8], _ what: @autoclosure () -> String) throws(RDBError) -> Int {
        buffer.removeAll(keepingCapacity: true)
        let offset = input.offset
        switch try stringHeader(what()) {
        case .integer(let value):
            buffer.append(contentsOf: String(value).utf8)
        case .raw(let length):
            try appendRaw(length, to: &buffer, what())
        case .compressed(let stored, let length):
            guard stored <= RDBInput.capacity else {
                throw RDBError(offset: offset, "\(what()): a compressed string of \(stored) bytes is too long to read")
            }
            let compressed = try input.bytes(stored, what())
            buffer = [UInt8](repeating: 0, count: length)
            let written = buffer.withUnsafeMutableBytes { LZF.decompress(compressed, into: $0) }
            guard written == length else {
                throw RDBError(offset: offset, "\(what()): compressed data that does not decompress to \(length) bytes")
            }
        }
        return buffer.count
    }

    /// Appends the next `length` bytes to `buffer`, a buffer's worth at a time.
    private func appendRaw(
        _ length: Int, to buffer: inout [UInt8], _ what: @autoclosure () -> String
    ) throws(RDBError) {
        var left = length
        while left > 0 {
            let step = min(left, RDBInput.capacity)
            buffer.append(contentsOf: try input.bytes(step, what()))
            left -= step
        }
    }

    private func text(_ what: @autoclosure () -> String) throws(RDBError) -> String {
        _ = try readString(into: &scratch, what())
        return String(decoding: scratch, as: UTF8.self)
    }

    private func readName() throws(RDBError) -> Int {
        let offset = input.offset
        switch try stringHeader("a key's name") {
        case .integer(let value):
            name.removeAll()
            Array(String(value).utf8).withUnsafeBytes { name.append($0) }
        case .raw(let length) where length <= RDBInput.capacity:
            let bytes = try input.bytes(length, "a key's name")
            name.removeAll()
            name.append(bytes)
        case .raw(let length):
            scratch.removeAll(keepingCapacity: true)
            try appendRaw(length, to: &scratch, "a key's name")
            name.removeAll()
            scratch.withUnsafeBytes { name.append($0) }
        case .compressed(let stored, let length):
            guard stored <= RDBInput.capacity else {
                throw RDBError(
                    offset: offset, "a key's name: a compressed string of \(stored) bytes is too long to read")
            }
            let compressed = try input.bytes(stored, "a key's name")
            name.resize(to: length)
            let target = UnsafeMutableRawBufferPointer(start: name.base, count: length)
            guard LZF.decompress(compressed, into: target) == length else {
                throw RDBError(
                    offset: offset, "a key's name: compressed data that does not decompress to \(length) bytes")
            }
        }
        return name.count
    }

    /// A packed blob's element count: from its header where the header knows (read in place
    /// from the buffer, or from a compressed blob's first bytes), else by walking the whole
    /// blob. Returns the count and the blob's uncompressed size.
    private func packedCount(
        _ what: @autoclosure () -> String, header: Int, fromHeader: (UnsafeRawBufferPointer) -> Int?,
        whole: (UnsafeRawBufferPointer) -> Int?
    ) throws(RDBError) -> (count: Int, bytes: Int) {
        let offset = input.offset
        switch try stringHeader(what()) {
        case .integer:
            throw RDBError(offset: offset, "\(what()): a packed encoding expected, an integer found")
        case .raw(let length):
            let head = try input.peek(min(length, header))
            if let count = fromHeader(head) {
                try input.skip(Int64(length), what())
                return (count, length)
            }
            guard length <= RDBInput.capacity else {
                // Longer than the buffer and its header does not know: read it whole.
                scratch.removeAll(keepingCapacity: true)
                try appendRaw(length, to: &scratch, what())
                guard let count = scratch.withUnsafeBytes(whole) else {
                    throw RDBError(offset: offset, "\(what()): not a valid packed encoding")
                }
                return (count, length)
            }
            let blob = try input.bytes(length, what())
            guard let count = whole(blob) else {
                throw RDBError(offset: offset, "\(what()): not a valid packed encoding")
            }
            return (count, length)
        case .compressed(let stored, let length):
            guard stored <= RDBInput.capacity else {
                throw RDBError(offset: offset, "\(what()): a compressed blob of \(stored) bytes is too long to read")
            }
            let compressed = try input.bytes(stored, what())
            var head = [UInt8](repeating: 0, count: min(header, length))
            let written = head.withUnsafeMutableBytes { LZF.decompress(compressed, into: $0) }
            guard written == head.count else {
                throw RDBError(offset: offset, "\(what()): compressed data that does not decompress")
            }
            if let count = head.withUnsafeBytes(fromHeader) { return (count, length) }
            scratch = [UInt8](repeating: 0, count: length)
            let all = scratch.withUnsafeMutableBytes { LZF.decompress(compressed, into: $0) }
            guard all == length, let count = scratch.withUnsafeBytes(whole) else {
                throw RDBError(offset: offset, "\(what()): not a valid packed encoding")
            }
            return (count, length)
        }
    }

    private func listpack(_ what: @autoclosure () -> String) throws(RDBError) -> (count: Int, bytes: Int) {
        try packedCount(
            what(), header: PackedEncoding.listpackHeader, fromHeader: PackedEncoding.listpackCount(header:),
            whole: PackedEncoding.listpackCount(whole:))
    }

    private func ziplist(_ what: @autoclosure () -> String) throws(RDBError) -> (count: Int, bytes: Int) {
        try packedCount(
            what(), header: PackedEncoding.ziplistHeader, fromHeader: PackedEncoding.ziplistCount(header:),
            whole: PackedEncoding.ziplistCount(whole:))
    }

    // MARK: - Values

    private func value(_ encoding: RDBEncoding, moduleID: inout UInt64?) throws(RDBError) -> ValueShape {
        var shape = ValueShape(memory: memory)
        let offset = input.offset
        func strings(_ count: UInt64, _ what: String) throws(RDBError) {
            for _ in 0..<count {
                shape.addString(try skipString(what).length)
            }
        }
        switch encoding {
        case .string:
            let (length, integer) = try skipString("a string value")
            shape.length = Int64(length)
            shape.isInteger = integer
        case .list, .set:
            let count = try elementCount("a collection's length")
            try strings(count, "an element")
            shape.length = Int64(count)
        case .zset, .zset2:
            let count = try elementCount("a sorted set's length")
            for _ in 0..<count {
                shape.addString(try skipString("a member").length)
                if encoding == .zset2 {
                    try input.skip(8, "a score")
                } else {
                    let size = try input.byte("a score's length")
                    if size < 253 { try input.skip(Int64(size), "a score") }
                }
            }
            shape.length = Int64(count)
        case .hash:
            let count = try elementCount("a hash's length")
            for _ in 0..<count {
                let field = try skipString("a field").length
                shape.addField(field, value: try skipString("a value").length)
            }
            shape.length = Int64(count)
        case .valkeyHash2:
            let count = try elementCount("a hash's length")
            for _ in 0..<count {
                let field = try skipString("a field").length
                shape.addField(field, value: try skipString("a value").length)
                try input.skip(8, "a field's expiry")
            }
            shape.length = Int64(count)
        case .hashMetadataPreGA, .hashMetadata:
            if encoding == .hashMetadata { try input.skip(8, "the hash's smallest field TTL") }
            let count = try elementCount("a hash's length")
            for _ in 0..<count {
                _ = try length("a field's TTL")
                let field = try skipString("a field").length
                shape.addField(field, value: try skipString("a value").length)
            }
            shape.length = Int64(count)
        case .hashZipmap:
            let offset = input.offset
            _ = try readString(into: &scratch, "a zipmap")
            guard let count = scratch.withUnsafeBytes(PackedEncoding.zipmapCount) else {
                throw RDBError(offset: offset, "a zipmap that is not valid")
            }
            shape.length = Int64(count)
            shape.blobBytes = Int64(scratch.count)
            shape.blobs = 1
        case .listZiplist, .zsetZiplist, .hashZiplist:
            let (count, bytes) = try ziplist("a ziplist")
            shape.length = Int64(encoding == .listZiplist ? count : count / 2)
            shape.blobBytes = Int64(bytes)
            shape.blobs = 1
        case .setIntset:
            let (count, bytes) = try packedCount(
                "an intset", header: PackedEncoding.intsetHeader, fromHeader: PackedEncoding.intsetCount(header:),
                whole: PackedEncoding.intsetCount(header:))
            shape.length = Int64(count)
            shape.blobBytes = Int64(bytes)
            shape.blobs = 1
        case .hashListpack, .zsetListpack, .setListpack, .hashListpackExPreGA, .hashListpackEx:
            if encoding == .hashListpackEx { try input.skip(8, "the hash's smallest field TTL") }
            let (count, bytes) = try listpack("a listpack")
            switch encoding {
            case .setListpack: shape.length = Int64(count)
            case .hashListpackEx, .hashListpackExPreGA: shape.length = Int64(count / 3)
            default: shape.length = Int64(count / 2)
            }
            shape.blobBytes = Int64(bytes)
            shape.blobs = 1
        case .listQuicklist, .listQuicklist2:
            let nodes = try elementCount("a quicklist's nodes")
            for _ in 0..<nodes {
                if encoding == .listQuicklist {
                    let (count, bytes) = try ziplist("a quicklist node")
                    shape.length += Int64(count)
                    shape.blobBytes += Int64(bytes)
                } else {
                    let container = try length("a quicklist node's container")
                    switch container {
                    case 1:  // A plain node: one large element.
                        let (length, _) = try skipString("a plain quicklist node")
                        shape.length += 1
                        shape.blobBytes += Int64(length)
                    case 2:
                        let (count, bytes) = try listpack("a quicklist node")
                        shape.length += Int64(count)
                        shape.blobBytes += Int64(bytes)
                    default:
                        throw RDBError(offset: input.offset, "a quicklist node's container is 1 or 2, not \(container)")
                    }
                }
                shape.blobs += 1
            }
        case .streamListpacks, .streamListpacks2, .streamListpacks3, .streamListpacks4:
            try stream(encoding, into: &shape)
        case .module2:
            moduleID = try module(into: &shape)
        case .modulePreGA:
            throw RDBError(offset: offset, "a module value of a Redis 4.0 release candidate (type 6) is not read")
        }
        return shape
    }

    private func stream(_ encoding: RDBEncoding, into shape: inout ValueShape) throws(RDBError) {
        let listpacks = try elementCount("a stream's listpacks")
        for _ in 0..<listpacks {
            try skipString("a stream node's master ID")
            let (_, bytes) = try listpack("a stream node")
            shape.blobBytes += Int64(bytes)
            shape.blobs += 1
            shape.lastBlobBytes = Int64(bytes)
        }
        shape.length = Int64(try elementCount("a stream's length"))
        _ = try length("a stream's last ID")
        _ = try length("a stream's last ID")
        if encoding != .streamListpacks {
            for _ in 0..<4 { _ = try length("a stream's first or largest deleted ID") }
            _ = try length("a stream's entries added")
        }
        let groups = try elementCount("a stream's consumer groups")
        shape.streamGroups = Int64(groups)
        for _ in 0..<groups {
            try skipString("a consumer group's name")
            _ = try length("a consumer group's last ID")
            _ = try length("a consumer group's last ID")
            if encoding != .streamListpacks { _ = try length("a consumer group's entries read") }
            let pending = try elementCount("a consumer group's pending entries")
            shape.streamPending += Int64(pending)
            // Each: a 16-byte ID, a delivery time, a delivery count.
            for _ in 0..<pending {
                try input.skip(16 + 8, "a pending entry")
                _ = try length("a pending entry's deliveries")
            }
            let consumers = try elementCount("a consumer group's consumers")
            shape.streamConsumers += Int64(consumers)
            for _ in 0..<consumers {
                try skipString("a consumer's name")
                // Its seen time, and from type 21 on its active time too.
                let times = encoding.rawValue >= RDBEncoding.streamListpacks3.rawValue ? 16 : 8
                try input.skip(Int64(times), "a consumer's seen time")
                let owned = try elementCount("a consumer's pending entries")
                try input.skip(Int64(owned) * 16, "a consumer's pending IDs")
            }
        }
        guard encoding == .streamListpacks4 else { return }
        // Redis 8.6: the idempotent producers — how long and how many ids each keeps, then per
        // producer its id and its recent ids, each with the stream entry it added (as Redis's
        // librdb reads them), then two counters.
        _ = try length("the stream's IDMP duration")
        _ = try length("the stream's IDMP max entries")
        let producers = try elementCount("the stream's idempotent producers")
        for _ in 0..<producers {
            shape.addString(try skipString("a producer's id").length)
            let entries = try elementCount("a producer's idempotent ids")
            for _ in 0..<entries {
                shape.addString(try skipString("an idempotent id").length)
                _ = try length("an idempotent id's entry")
                _ = try length("an idempotent id's entry")
            }
        }
        _ = try length("the stream's idempotent ids added")
        _ = try length("the stream's duplicate idempotent ids")
    }

    /// A module value (its opcodes skipped to their end); returns its type's name.
    private func module(into shape: inout ValueShape) throws(RDBError) -> UInt64 {
        let id = try length("a module type ID")
        try moduleOpcodes(into: &shape)
        shape.length = 1
        return id
    }

    private func moduleAux() throws(RDBError) -> String {
        let id = try length("a module aux block's module")
        _ = try length("a module aux block's when opcode")
        _ = try length("a module aux block's when")
        var shape = ValueShape(memory: memory)
        try moduleOpcodes(into: &shape)
        return Self.moduleName(id)
    }

    private func moduleOpcodes(into shape: inout ValueShape) throws(RDBError) {
        while true {
            let offset = input.offset
            switch try length("a module value's opcode") {
            case 0: return
            case 1, 2: _ = try length("a module integer")
            case 3: try input.skip(4, "a module float")
            case 4: try input.skip(8, "a module double")
            case 5:
                shape.addString(try skipString("a module string").length)
            case let other: throw RDBError(offset: offset, "unknown module opcode \(other)")
            }
        }
    }

    /// A module type's name from its 64-bit ID: nine characters of six bits, then ten bits of
    /// encoding version.
    static func moduleName(_ id: UInt64) -> String {
        let charset = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var characters: [Character] = []
        var rest = id >> 10
        for _ in 0..<9 {
            characters.append(charset[Int(rest & 63)])
            rest >>= 6
        }
        return String(characters.reversed())
    }
}
