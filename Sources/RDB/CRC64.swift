import CCRC64

/// The CRC-64 that ends an RDB file (Redis's `crc64`: the Jones polynomial, reflected, initial
/// value 0, no final XOR). Where the processor multiplies without carries (x86-64 PCLMULQDQ),
/// by folding 64 bytes at a time (`CCRC64`, several GB/s); elsewhere, and for short inputs,
/// eight bytes at a time with eight tables ("slicing by 8"), and
/// on long inputs over three blocks at once: three independent chains keep the processor's load
/// units busy where one chain waits on each lookup, and the CRC being linear, the blocks' CRCs
/// join exactly (each shifted past the blocks after it by a precomputed operator).
struct CRC64: Sendable {
    /// The reflected Jones polynomial.
    static let polynomial: UInt64 = 0x95AC_9329_AC4B_C9B5

    /// Eight tables of 256 in a row: entry `k * 256 + b` is the CRC of byte `b` followed by `k`
    /// zero bytes.
    static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for byte in 0..<256 {
            var crc = table[byte]
            for k in 1..<8 {
                crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
                table[k * 256 + byte] = crc
            }
        }
        return table
    }()

    /// The bytes of each of the three blocks taken at once.
    static let blockBytes = 8_192

    /// The operator that carries a CRC past ``blockBytes`` zero bytes, as eight tables of 256 (the
    /// operator is linear: the image of a value is the XOR of its bytes' images).
    static let blockShift: [UInt64] = {
        // The images of the 64 single bits, each run through the zero bytes.
        let images = (0..<64).map { bit in
            var crc = UInt64(1) << UInt64(bit)
            for _ in 0..<blockBytes { crc = table[Int(crc & 0xFF)] ^ (crc >> 8) }
            return crc
        }
        var shift = [UInt64](repeating: 0, count: 8 * 256)
        for k in 0..<8 {
            for value in 0..<256 {
                var image: UInt64 = 0
                for bit in 0..<8 where value >> bit & 1 == 1 { image ^= images[k * 8 + bit] }
                shift[k * 256 + value] = image
            }
        }
        return shift
    }()

    /// The CRC of the bytes taken so far.
    private(set) var value: UInt64 = 0

    /// Whether ``update(_:)`` folds with carry-less multiplication on this processor.
    static let isAccelerated = ccrc64_is_accelerated() != 0

    /// Takes `bytes` in.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if Self.isAccelerated && bytes.count >= 64, let base = bytes.baseAddress {
            value = ccrc64_update(value, base.assumingMemoryBound(to: UInt8.self), bytes.count)
            return
        }
        updateWithTables(bytes)
    }

    /// Takes `bytes` in with the tables (what processors without carry-less multiplication use).
    mutating func updateWithTables(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress else { return }
        var count = bytes.count
        var crc = value
        let block = Self.blockBytes
        Self.table.withUnsafeBufferPointer { t in
            @inline(__always) func step(_ crc: UInt64, _ at: UnsafeRawPointer) -> UInt64 {
                let word = UInt64(littleEndian: at.loadUnaligned(as: UInt64.self)) ^ crc
                return t[1792 + Int(word & 0xFF)] ^ t[1536 + Int((word >> 8) & 0xFF)]
                    ^ t[1280 + Int((word >> 16) & 0xFF)] ^ t[1024 + Int((word >> 24) & 0xFF)]
                    ^ t[768 + Int((word >> 32) & 0xFF)] ^ t[512 + Int((word >> 40) & 0xFF)]
                    ^ t[256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
            }
            if count >= 3 * block {
                Self.blockShift.withUnsafeBufferPointer { s in
                    @inline(__always) func shift(_ crc: UInt64) -> UInt64 {
                        s[Int(crc & 0xFF)] ^ s[256 + Int((crc >> 8) & 0xFF)]
                            ^ s[512 + Int((crc >> 16) & 0xFF)] ^ s[768 + Int((crc >> 24) & 0xFF)]
                            ^ s[1024 + Int((crc >> 32) & 0xFF)] ^ s[1280 + Int((crc >> 40) & 0xFF)]
                            ^ s[1536 + Int((crc >> 48) & 0xFF)] ^ s[1792 + Int(crc >> 56)]
                    }
                    while count >= 3 * block {
                        var first = crc
                        var second: UInt64 = 0
                        var third: UInt64 = 0
                        var offset = 0
                        while offset < block {
                            first = step(first, pointer + offset)
                            second = step(second, pointer + block + offset)
                            third = step(third, pointer + 2 * block + offset)
                            offset += 8
                        }
                        crc = shift(shift(first) ^ second) ^ third
                        pointer += 3 * block
                        count -= 3 * block
                    }
                }
            }
            while count >= 8 {
                crc = step(crc, pointer)
                pointer += 8
                count -= 8
            }
            while count > 0 {
                crc = t[Int((crc ^ UInt64(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                count -= 1
            }
        }
        value = crc
    }
}
