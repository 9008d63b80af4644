import CZlib

/// zlib's deflate over whole buffers: a tick's record is compressed on its own (it must be read
/// back alone after a crash), with the record's size stored before it.
enum Deflate {
    /// `bytes` compressed (zlib format).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let code = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &size, input.baseAddress, uLong(bytes.count), 6)
            }
        }
        precondition(code == Z_OK, "compressBound was too small")
        output.removeLast(output.count - Int(size))
        return output
    }

    /// `bytes` decompressed into `count` bytes; `nil` when they are not what `compress` made.
    static func decompress(_ bytes: [UInt8], count: Int) -> [UInt8]? {
        guard count >= 0, count <= 64 << 20 else { return nil }
        var size = uLong(count)
        var output = [UInt8](repeating: 0, count: max(count, 1))
        let code = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &size, input.baseAddress, uLong(bytes.count))
            }
        }
        guard code == Z_OK, Int(size) == count else { return nil }
        return count == 0 ? [] : output
    }
}
