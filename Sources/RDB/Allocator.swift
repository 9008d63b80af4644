/// The memory allocator a server was built with (`INFO memory`'s `mem_allocator`), whose size
/// classes round every allocation `MEMORY USAGE` counts.
public enum Allocator: String, Sendable, CaseIterable {
    /// jemalloc as Redis and Valkey build it (an 8-byte quantum): what release builds, distribution
    /// packages and the cloud services use.
    case jemalloc
    /// glibc's malloc: chunks of 16 bytes, 8 of them the header (`mem_allocator:libc`).
    case libc

    /// The allocator `INFO`'s `mem_allocator` names (`jemalloc-5.3.0`, `libc`), if known.
    public init?(infoField: String) {
        if infoField.hasPrefix("jemalloc") {
            self = .jemalloc
        } else if infoField.hasPrefix("libc") {
            self = .libc
        } else {
            return nil
        }
    }

    /// The bytes an allocation of `size` takes.
    func allocation(_ size: Int64) -> Int64 {
        guard size > 0 else { return 0 }
        switch self {
        case .jemalloc:
            // Every 8 bytes to 64, every 16 to 128, then four classes per doubling.
            if size <= 64 { return (size + 7) / 8 * 8 }
            if size <= 128 { return (size + 15) / 16 * 16 }
            // The power of two below `size` (size > 128: at least 128).
            let power = Int64(1) << (63 - (size - 1).leadingZeroBitCount)
            let step = power >> 2  // a power of two: rounded up by a mask, not a division
            return (size + step - 1) & ~(step - 1)
        case .libc:
            // A chunk is the request and its 8-byte header rounded up to 16, at least 32; usable:
            // the chunk less the header. Large requests are mapped in whole pages.
            if size >= 128 * 1024 { return (size + 16 + 4_095) / 4_096 * 4_096 - 16 }
            return max(24, (size + 8 + 15) / 16 * 16 - 8)
        }
    }
}
