/// The Redis Cluster hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial value 0)
/// of the key — or of its hash tag, the bytes between the first `{` and the next `}` when there
/// are any — modulo 16,384, as the cluster specification defines it.
public enum HashSlot {
    /// The number of hash slots of a cluster.
    public static let count = 16_384

    /// The slot of `key`.
    public static func of(_ key: [UInt8]) -> Int {
        key.withUnsafeBufferPointer { bytes in
            var hashed = bytes[...]
            if let open = bytes.firstIndex(of: UInt8(ascii: "{")),
                let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
            {
                hashed = bytes[(open + 1)..<close]
            }
            return Int(crc16(hashed) & UInt16(count - 1))
        }
    }

    /// CRC16/XMODEM of `bytes`.
    static func crc16(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    /// The CRC of each byte value, made once.
    private static let table: [UInt16] = (0..<256).map { value in
        var crc = UInt16(value) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}
