import Foundation
import Metrics
import TestSupport
import Testing

@testable import RDB

#if canImport(Glibc)
import Glibc
#endif

/// The RDB reader on files built here byte by byte: the checksum, compressed strings, packed
/// encodings whose header cannot count, and damaged files — truncated, bit-flipped, with lengths
/// that promise more than there is — always one error, never a crash or a hang.
@Suite("RDB format", .sameOnEveryServer)
struct RDBFormatTests {
    /// An RDB file: `REDIS0011` (or `magic`), its body, EOF and the CRC-64 of it all.
    static func file(_ body: [UInt8], version: String = "0011", magic: String? = nil) -> [UInt8] {
        var bytes = Array((magic ?? "REDIS\(version)").utf8) + body + [0xFF]
        var crc = CRC64()
        bytes.withUnsafeBytes { crc.update($0) }
        withUnsafeBytes(of: crc.value.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// A length-prefixed string (6-bit or 14-bit length).
    static func string(_ text: [UInt8]) -> [UInt8] {
        text.count < 64 ? [UInt8(text.count)] + text : [0x40 | UInt8(text.count >> 8), UInt8(text.count & 0xFF)] + text
    }

    static func string(_ text: String) -> [UInt8] { string(Array(text.utf8)) }

    /// Reads `bytes` through a pipe-less temporary file; the keys' names, types and lengths.
    static func read(_ bytes: [UInt8], verify: Bool = true) throws -> [(String, String, Int64)] {
        let directory = try TemporaryFile.directory(prefix: "cw-rdb")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/dump.rdb"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        var keys: [(String, String, Int64)] = []
        _ = try RDBReader(descriptor: descriptor, verifyChecksum: verify).read { key in
            keys.append((String(decoding: key.name, as: UTF8.self), key.typeName, key.length))
        }
        return keys
    }

    @Test("CRC-64 as Redis computes it: 123456789 gives e9c6d914c4b8d9ca, in one piece or many")
    func checksum() {
        var whole = CRC64()
        Array("123456789".utf8).withUnsafeBytes { whole.update($0) }
        #expect(whole.value == 0xE9C6_D914_C4B8_D9CA)
        var pieces = CRC64()
        for byte in "123456789".utf8 { [byte].withUnsafeBytes { pieces.update($0) } }
        #expect(pieces.value == whole.value)
    }

    @Test("CRC-64 over three blocks at once equals the CRC a byte at a time, at every length and split")
    func checksumInBlocks() {
        var random = SplitMix64(seed: 64)
        let bytes = (0..<(3 * CRC64.blockBytes * 4 + 13)).map { _ in UInt8.random(in: 0...255, using: &random) }
        func byteAtATime(_ count: Int) -> UInt64 {
            var crc = CRC64()
            for byte in bytes[0..<count] { [byte].withUnsafeBytes { crc.update($0) } }
            return crc.value
        }
        for count in [3 * CRC64.blockBytes - 1, 3 * CRC64.blockBytes, 3 * CRC64.blockBytes + 7, bytes.count] {
            var whole = CRC64()
            bytes[0..<count].withUnsafeBytes { whole.update($0) }
            #expect(whole.value == byteAtATime(count), "\(count) bytes")
        }
        // Split unevenly: the blocks fall elsewhere, the CRC does not change.
        var pieces = CRC64()
        var start = 0
        for size in [5, 3 * CRC64.blockBytes + 1, 11, 3 * CRC64.blockBytes * 2 + 3] {
            bytes[start..<start + size].withUnsafeBytes { pieces.update($0) }
            start += size
        }
        bytes[start...].withUnsafeBytes { pieces.update($0) }
        #expect(pieces.value == byteAtATime(bytes.count))
    }

    @Test("CRC-64 folded with carry-less multiplication equals the tables' at every length to 300, after any prefix")
    func checksumFolded() throws {
        #if arch(x86_64)
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        #expect(CRC64.isAccelerated == flags.contains(" pclmulqdq"), "folds where the processor can")
        #endif
        var random = SplitMix64(seed: 65)
        let bytes = (0..<320).map { _ in UInt8.random(in: 0...255, using: &random) }
        for prefix in [0, 1, 9, 16] {
            for length in 0...300 {
                var folded = CRC64()
                var tables = CRC64()
                bytes[0..<prefix].withUnsafeBytes { folded.update($0) }
                bytes[0..<prefix].withUnsafeBytes { tables.updateWithTables($0) }
                bytes[prefix..<prefix + length].withUnsafeBytes { folded.update($0) }
                bytes[prefix..<prefix + length].withUnsafeBytes { tables.updateWithTables($0) }
                #expect(folded.value == tables.value, "\(length) bytes after \(prefix)")
            }
        }
    }

    @Test("LZF: literals and back references, overlapping ones too; a reference before the start is refused")
    func lzf() throws {
        // "abcabcabcabc": three literals, then a reference 3 back for 9 bytes (7 = 2 + 5 in the control).
        let compressed: [UInt8] = [0x02, 0x61, 0x62, 0x63, 0xE0, 0x00, 0x02]
        var output = [UInt8](repeating: 0, count: 12)
        let written = compressed.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { LZF.decompress(input, into: $0) }
        }
        #expect(written == 12 && String(decoding: output, as: UTF8.self) == "abcabcabcabc")
        var bad = [UInt8](repeating: 0, count: 12)
        let refused = [UInt8]([0xE0, 0x00, 0x05]).withUnsafeBytes { input in
            bad.withUnsafeMutableBytes { LZF.decompress(input, into: $0) }
        }
        #expect(refused == nil)
    }

    @Test("strings, integers, a compressed value, a listpack set, expiry, LRU and LFU opcodes, two databases")
    func keys() throws {
        // A listpack of three strings: 6-byte header, entries (6-bit strings + back lengths), end.
        var listpack: [UInt8] = [0, 0, 0, 0, 3, 0]
        for member in ["a", "bb", "ccc"] {
            listpack += [0x80 | UInt8(member.count)] + Array(member.utf8) + [UInt8(1 + member.count)]
        }
        listpack.append(0xFF)
        let total = UInt32(listpack.count)
        listpack[0] = UInt8(total & 0xFF)
        listpack[1] = UInt8(total >> 8)
        let body: [UInt8] =
            [0xFA] + Self.string("ctime") + Self.string("1800000000")
            + [0xFE, 0x00, 0xFB, 0x03, 0x01]
            + [0xFC] + Array(withUnsafeBytes(of: Int64(1_800_000_600_000).littleEndian) { Array($0) })
            + [0x00] + Self.string("price:1") + Self.string("9.99")
            + [0xF8, 0x05] + [0x00] + Self.string("counter") + [0xC1, 0x39, 0x30]  // 12345 as int16
            + [0xF9, 0x07] + [0x00] + Self.string("lazy")
            + [0xC3, 0x07, 0x0C, 0x02, 0x61, 0x62, 0x63, 0xE0, 0x00, 0x02]  // LZF "abcabcabcabc"
            + [20] + Self.string("tags") + Self.string(listpack)
            + [0xFE, 0x01] + [0x00] + Self.string("other") + Self.string("x")
        let keys = try Self.read(Self.file(body))
        #expect(keys.map(\.0) == ["price:1", "counter", "lazy", "tags", "other"])
        #expect(keys.map(\.1) == ["string", "string", "string", "set", "string"])
        #expect(keys.map(\.2) == [4, 5, 12, 3, 1])
    }

    @Test("a listpack that holds more than its header can count (65,535): walked")
    func walkedListpack() throws {
        var listpack: [UInt8] = [0, 0, 0, 0, 0xFF, 0xFF]
        for index in 0..<70_000 { listpack += [UInt8(index % 128), 1] }  // 7-bit integers
        listpack.append(0xFF)
        let total = UInt32(listpack.count)
        for index in 0..<4 { listpack[index] = UInt8((total >> (8 * UInt32(index))) & 0xFF) }
        var stored: [UInt8] = [0x80] + Array(withUnsafeBytes(of: total.bigEndian) { Array($0) }) + listpack
        stored = [20] + Self.string("big") + stored
        let keys = try Self.read(Self.file(stored))
        #expect(keys.first?.2 == 70_000)
    }

    @Test(
        "damaged files: every truncation, every single bit flipped, lengths promising more than there is — one error or a clean read, never a crash"
    )
    func damaged() throws {
        let body: [UInt8] =
            [0xFA] + Self.string("ctime") + Self.string("1800000000") + [0xFE, 0x00]
            + [0x00] + Self.string("k") + Self.string("value")
            + [0x0B] + Self.string("ints") + Self.string([2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0])
            + [0x12] + Self.string("list") + [0x01, 0x01] + Self.string("plain")
        let good = Self.file(body)
        #expect(try Self.read(good).count == 3)
        for cut in 0..<good.count {
            let error = #expect(throws: RDBError.self) { _ = try Self.read(Array(good[0..<cut])) }
            #expect(error.map { !$0.description.contains("\n") } ?? false)
        }
        var errors = 0
        for index in 9..<good.count - 8 {
            for bit in 0..<8 {
                var flipped = good
                flipped[index] ^= 1 << bit
                do { _ = try Self.read(flipped) } catch is RDBError { errors += 1 }
            }
        }
        // The checksum catches every flip it covers.
        #expect(errors == (good.count - 17) * 8)
        // A string of 2 GB in a small file.
        let bomb = Self.file([0x00] + Self.string("k") + [0x80, 0x7F, 0xFF, 0xFF, 0xFF])
        let bombed = #expect(throws: RDBError.self) { _ = try Self.read(bomb, verify: false) }
        #expect(bombed?.description.contains("the file ends") == true, "\(String(describing: bombed))")
        // A collection of 2^62 elements.
        let huge = Self.file([0x02] + Self.string("s") + [0x81, 0x40, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: RDBError.self) { _ = try Self.read(huge, verify: false) }
    }

    @Test(
        "formats no server here writes, built from their published definitions: Valkey 9 (VALKEY080: slot imports, type 22 a hash of field-value-expiry triples), Redis 8.6 (RDB 13: key metadata before a key; type 26 streams with idempotent producers, as Redis's librdb reads them)"
    )
    func newerFormats() throws {
        var valkey = Array("VALKEY080".utf8) + [0xFA] + Self.string("ctime") + Self.string("1800000000") + [0xFE, 0x00]
        valkey += [0xF3] + Self.string("import-job-1") + [0x01, 0x00, 0x40, 0x64]  // one range: 0 to 100
        valkey += [22] + Self.string("h") + [0x02]
        valkey +=
            Self.string("a") + Self.string("1")
            + Array(withUnsafeBytes(of: Int64(1_800_003_600_000).littleEndian) { Array($0) })
        valkey += Self.string("b") + Self.string("2") + [UInt8](repeating: 0xFF, count: 8)  // no expiry
        valkey += [0x00] + Self.string("k") + Self.string("v")
        let valkeyKeys = try Self.read(Self.file(Array(valkey.dropFirst(9)), magic: "VALKEY080"))
        #expect(valkeyKeys.map(\.0) == ["h", "k"] && valkeyKeys.map(\.1) == ["hash", "string"])
        #expect(valkeyKeys.first?.2 == 2)

        // In a Redis file, type 22 is the 7.4 release candidates' hash: TTL, field, value.
        let redis74 = [22] + Self.string("hm") + [0x01, 0x00] + Self.string("f") + Self.string("v")
        #expect(try Self.read(Self.file(redis74, version: "0012")).map(\.2) == [1])

        // RDB 13: a key's module metadata (one class: its 32-bit spec, an integer and a string
        // in the module format, the end marker), then the key.
        let meta: [UInt8] = [0xF3, 0x01, 0x4B, 0x4D, 0x54, 0x31, 0x02, 0x05, 0x05] + Self.string("meta") + [0x00]
        let redis86 = meta + [0x00] + Self.string("k") + Self.string("v")
        #expect(try Self.read(Self.file(redis86, version: "0013")).map(\.0) == ["k"])
        // Type 26 (as Redis's librdb reads it): a stream as type 21 — listpacks, length, IDs,
        // entries added, groups with their pending entries and consumers — then its idempotent
        // producers: duration, max entries, producers (each an id and its ids, each with the
        // stream ID it added), and the ids added and duplicated. One with a group and two
        // producers, one with neither, then a string: all three read, in step.
        let listpack: [UInt8] = [0x09, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xFF]
        var idmp: [UInt8] = [26] + Self.string("s") + [0x01]
        idmp += Self.string([UInt8](repeating: 0, count: 16)) + Self.string(listpack)
        idmp += [0x01, 0x05, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01]  // length, last, first, max deleted, added
        idmp += [0x01] + Self.string("g") + [0x05, 0x00, 0x01, 0x01]  // a group: last ID, entries read, 1 pending
        idmp += [UInt8](repeating: 0, count: 16 + 8) + [0x01]  // its pending entry: ID, delivery time, count
        idmp += [0x01] + Self.string("c") + [UInt8](repeating: 0, count: 16) + [0x01] + [UInt8](repeating: 0, count: 16)
        idmp += [0x40, 0x64, 0x40, 0x64, 0x02]  // 100 s, 100 ids, two producers
        idmp += Self.string("p1") + [0x02] + Self.string("i1") + [0x05, 0x00] + Self.string("i2") + [0x05, 0x01]
        idmp += Self.string("p2") + [0x00]
        idmp += [0x03, 0x01]  // 3 ids added, 1 duplicate
        // An empty stream without groups.
        idmp += [26] + Self.string("t") + [UInt8](repeating: 0, count: 10)
        idmp += [0x40, 0x64, 0x40, 0x64, 0x00, 0x00, 0x00]  // default IDMP settings, no producer
        idmp += [0x00] + Self.string("k") + Self.string("v")
        let streams = try Self.read(Self.file(idmp, version: "0013"))
        #expect(streams.map(\.0) == ["s", "t", "k"] && streams.map(\.1) == ["stream", "stream", "string"])
        #expect(streams.first?.2 == 1)
        // Cut inside its producers: one line naming where.
        let cutFile = Array(Self.file(idmp, version: "0013").prefix(130))
        let cut = #expect(throws: RDBError.self) { _ = try Self.read(cutFile) }
        #expect(cut?.description.contains("at byte") == true, "\(cut?.description ?? "")")

        // Not in RDB 12, where 243 is no opcode.
        #expect(throws: RDBError.self) { _ = try Self.read(Self.file(redis86, version: "0012")) }
        // A Valkey version beyond 80, a Redis one beyond 13: refused in one line.
        let future = #expect(throws: RDBError.self) { _ = try Self.read(Self.file([], magic: "VALKEY081")) }
        #expect(future?.description.contains("Valkey RDB version 81") == true)
    }

    @Test("not an RDB file, a newer version, a bad checksum: one line each")
    func refusals() throws {
        let text = #expect(throws: RDBError.self) { _ = try Self.read(Array("hello world, not a dump".utf8)) }
        #expect(text?.description.contains("not an RDB file") == true)
        let newer = #expect(throws: RDBError.self) { _ = try Self.read(Self.file([], version: "0099")) }
        #expect(newer?.description.contains("RDB version 99") == true)
        var bad = Self.file([0x00] + Self.string("k") + Self.string("v"))
        bad[bad.count - 1] ^= 0x01
        let mismatch = #expect(throws: RDBError.self) { _ = try Self.read(bad) }
        #expect(mismatch?.description.contains("checksum does not match") == true)
        #expect(try Self.read(bad, verify: false).count == 1)
    }
}

/// A dump's every key is counted: namespaces' keys, memory and TTLs are exact, not the sample's
/// estimates, even where the sample is thinned (here from 64 records a namespace).
@Suite("RDB keyspace counted whole", .sameOnEveryServer)
struct RDBExhaustiveTests {
    @Test("keys, memory, keys without a TTL and TTL buckets per namespace equal the dump's, the sample thinned")
    func exactPerNamespace() throws {
        var body = [0xFA] + RDBFormatTests.string("ctime") + RDBFormatTests.string("1800000000") + [0xFE, 0x00]
        var expiring = 0
        for index in 0..<1_500 {
            if index % 3 == 0 {
                // One in three expires in an hour.
                body += [0xFC] + withUnsafeBytes(of: Int64(1_800_003_600_000).littleEndian) { Array($0) }
                expiring += 1
            }
            body +=
                [0x00] + RDBFormatTests.string("user:\(index)")
                + RDBFormatTests.string(String(repeating: "v", count: 10 + index % 40))
        }
        for index in 0..<700 { body += [0x00] + RDBFormatTests.string("cart:\(index)") + RDBFormatTests.string("x") }
        let directory = try TemporaryFile.directory(prefix: "cw-rdb")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/dump.rdb"
        FileManager.default.createFile(atPath: path, contents: Data(RDBFormatTests.file(body)))
        let outcome = try RDBKeyspace.analyse(
            paths: [path], configuration: KeyspaceModel.Configuration(recordsPerNamespace: 64, recordLimit: 64))
        let model = outcome.model
        #expect(model.isExhaustive)
        #expect(model.records < 200, "the sample was thinned: \(model.records) records")
        #expect(model.sampledKeys == 2_200 && model.totalKeys == 2_200)
        #expect(model.estimatedKeys("user:*") == 1_500)
        #expect(model.estimatedKeys("cart:*") == 700)
        let stats = try #require(model.namespaces["user:*"])
        #expect(stats.withoutTTL == 1_500 - expiring)
        #expect(stats.ttlBuckets.values.reduce(0, +) == 1_500)
        #expect(stats.minimumTTL == 3_600_000 && stats.maximumTTL == 3_600_000)
        // Memory: the sum of every key's estimate, read again key by key.
        var memory: Int64 = 0
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        _ = try RDBReader(descriptor: descriptor).read { key in
            if key.name.starts(with: Array("user:".utf8)) { memory += key.memoryBytes }
        }
        #expect(model.estimatedMemory("user:*") == Double(memory))
    }
}
