/// The CRC-64 that ends an RDB file (Redis's `crc64`: the Jones polynomial, reflected, initial
/// value 0, no final XOR), computed eight bytes at a time with eight tables ("slicing by 8"):
/// about as fast as memory is read.
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

    /// The CRC of the bytes taken so far.
    private(set) var value: UInt64 = 0

    /// Takes `bytes` in.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var pointer = bytes.baseAddress else { return }
        var count = bytes.count
        var crc = value
        Self.table.withUnsafeBufferPointer { t in
            while count >= 8 {
                let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self)) ^ crc
                crc =
                    t[1792 + Int(word & 0xFF)] ^ t[1536 + Int((word >> 8) & 0xFF)]
                    ^ t[1280 + Int((word >> 16) & 0xFF)] ^ t[1024 + Int((word >> 24) & 0xFF)]
                    ^ t[768 + Int((word >> 32) & 0xFF)] ^ t[512 + Int((word >> 40) & 0xFF)]
                    ^ t[256 + Int((word >> 48) & 0xFF)] ^ t[Int(word >> 56)]
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
