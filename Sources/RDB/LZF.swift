/// LZF decompression, as Redis compresses long strings in RDB files: literal runs (a control
/// byte below 32: that many plus one bytes follow) and back references (length in the control
/// byte's top three bits, seven meaning more in the next byte; distance in its low five and the
/// following byte). Bounds are checked on both sides: a corrupt or hostile input stops with an
/// error, never reads or writes out of place.
enum LZF {
    /// Decompresses `input` into `output`, stopping once `output` is full (a prefix is enough
    /// for a packed encoding's header); returns the bytes written, or `nil` when the input is
    /// not valid LZF (a reference before the start, a run past the end of the input).
    static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        var inIndex = 0
        var outIndex = 0
        let outCount = output.count
        while inIndex < input.count && outIndex < outCount {
            let control = Int(input[inIndex])
            inIndex += 1
            if control < 32 {
                let run = control + 1
                guard inIndex + run <= input.count else { return nil }
                let take = min(run, outCount - outIndex)
                for offset in 0..<take { output[outIndex + offset] = input[inIndex + offset] }
                inIndex += run
                outIndex += take
            } else {
                var length = control >> 5
                if length == 7 {
                    guard inIndex < input.count else { return nil }
                    length += Int(input[inIndex])
                    inIndex += 1
                }
                length += 2
                guard inIndex < input.count else { return nil }
                let distance = ((control & 0x1F) << 8) + Int(input[inIndex]) + 1
                inIndex += 1
                guard distance <= outIndex else { return nil }
                let take = min(length, outCount - outIndex)
                // Byte by byte: a reference may overlap what it writes (a repeated run).
                for _ in 0..<take {
                    output[outIndex] = output[outIndex - distance]
                    outIndex += 1
                }
            }
        }
        return outIndex
    }
}
