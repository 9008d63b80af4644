/// A stable 64-bit hash of a key name: eight bytes at a time (each word multiplied in and the
/// state rotated), the tail and the length in a last word, with a SplitMix64 finaliser, so that
/// the high bits — which decide sample membership — are well mixed. The same name hashes
/// the same in every process and run (Swift's `Hasher` is seeded per process), which keeps a
/// sample reproducible and lets a re-sampled key find its earlier record.
public enum KeyHash {
    /// The hash of `name`.
    @inlinable
    public static func of(_ name: [UInt8]) -> UInt64 {
        name.withUnsafeBufferPointer { of($0) }
    }

    /// The hash of the name in `name`.
    public static func of(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(name.count)
        guard let base = name.baseAddress else { return finalised(hash) }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while name.count - offset >= 8 {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            hash =
                ((hash ^ (word &* 0x9E37_79B9_7F4A_7C15)) << 31 | (hash ^ (word &* 0x9E37_79B9_7F4A_7C15)) >> 33)
                &* 0xC2B2_AE3D_27D4_EB4F
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < name.count {
            tail |= UInt64(name[offset]) << shift
            shift += 8
            offset += 1
        }
        hash ^= (tail ^ 0xFF51_AFD7_ED55_8CCD) &* 0x9E37_79B9_7F4A_7C15
        return finalised(hash)
    }

    @inline(__always)
    private static func finalised(_ value: UInt64) -> UInt64 {
        var hash = value
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
