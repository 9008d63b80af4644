/// A stable 64-bit hash of a key name: FNV-1a over the bytes with a SplitMix64 finaliser, so
/// that the high bits — which decide sample membership — are well mixed. The same name hashes
/// the same in every process and run (Swift's `Hasher` is seeded per process), which keeps a
/// sample reproducible and lets a re-sampled key find its earlier record.
public enum KeyHash {
    /// The hash of `name`.
    @inlinable
    public static func of(_ name: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
