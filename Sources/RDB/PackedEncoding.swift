/// The packed blobs of an RDB file — listpacks, ziplists, intsets, zipmaps — read in place for
/// their element counts: the header's count where it holds one, else a walk over the entries'
/// own lengths (never their content). Every step is bounds-checked: `nil` means the blob is not
/// what it says it is.
enum PackedEncoding {
    /// A listpack's header is enough unless it holds 65,535 elements or more.
    static let listpackHeader = 6
    /// A ziplist's header is enough unless it holds 65,535 elements or more.
    static let ziplistHeader = 10
    /// An intset's header holds its length.
    static let intsetHeader = 8

    /// The elements of a listpack, from its header when it knows.
    static func listpackCount(header bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= listpackHeader else { return nil }
        let count = Int(bytes[4]) | Int(bytes[5]) << 8
        return count == 0xFFFF ? nil : count
    }

    /// The elements of a whole listpack, walking it where its header does not know.
    static func listpackCount(whole bytes: UnsafeRawBufferPointer) -> Int? {
        if let known = listpackCount(header: bytes) { return known }
        guard bytes.count >= listpackHeader + 1 else { return nil }
        var index = listpackHeader
        var count = 0
        while index < bytes.count {
            let encoding = bytes[index]
            if encoding == 0xFF { return count }
            var size: Int
            switch encoding {
            case 0x00...0x7F: size = 1
            case 0x80...0xBF: size = 1 + Int(encoding & 0x3F)
            case 0xC0...0xDF: size = 2
            case 0xE0...0xEF:
                guard index + 1 < bytes.count else { return nil }
                size = 2 + (Int(encoding & 0x0F) << 8 | Int(bytes[index + 1]))
            case 0xF0:
                guard index + 4 < bytes.count else { return nil }
                let length =
                    Int(bytes[index + 1]) | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]) << 16
                    | Int(bytes[index + 4]) << 24
                size = 5 + length
            case 0xF1: size = 3
            case 0xF2: size = 4
            case 0xF3: size = 5
            case 0xF4: size = 9
            default: return nil
            }
            // The back length that follows: 7 bits per byte.
            let back = size < 128 ? 1 : size < 16_384 ? 2 : size < 2_097_152 ? 3 : size < 268_435_456 ? 4 : 5
            index += size + back
            count += 1
        }
        return nil
    }

    /// The elements of a ziplist, from its header when it knows.
    static func ziplistCount(header bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= ziplistHeader else { return nil }
        let count = Int(bytes[8]) | Int(bytes[9]) << 8
        return count == 0xFFFF ? nil : count
    }

    /// The elements of a whole ziplist, walking it where its header does not know.
    static func ziplistCount(whole bytes: UnsafeRawBufferPointer) -> Int? {
        if let known = ziplistCount(header: bytes) { return known }
        var index = ziplistHeader
        var count = 0
        while index < bytes.count {
            if bytes[index] == 0xFF { return count }
            // The previous entry's length: one byte, or 0xFE and four.
            index += bytes[index] < 0xFE ? 1 : 5
            guard index < bytes.count else { return nil }
            let encoding = bytes[index]
            switch encoding >> 6 {
            case 0: index += 1 + Int(encoding & 0x3F)
            case 1:
                guard index + 1 < bytes.count else { return nil }
                index += 2 + (Int(encoding & 0x3F) << 8 | Int(bytes[index + 1]))
            case 2:
                guard index + 4 < bytes.count else { return nil }
                let length =
                    Int(bytes[index + 1]) << 24 | Int(bytes[index + 2]) << 16 | Int(bytes[index + 3]) << 8
                    | Int(bytes[index + 4])
                index += 5 + length
            default:
                switch encoding {
                case 0xC0: index += 3
                case 0xD0: index += 5
                case 0xE0: index += 9
                case 0xF0: index += 4
                case 0xFE: index += 2
                case 0xF1...0xFD: index += 1
                default: return nil
                }
            }
            count += 1
        }
        return nil
    }

    /// The members of an intset (its header).
    static func intsetCount(header bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= intsetHeader else { return nil }
        let width = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard width == 2 || width == 4 || width == 8 else { return nil }
        return Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
    }

    /// The field-value pairs of a zipmap (Redis 2.x hashes), from its first byte when below 254,
    /// else walked.
    static func zipmapCount(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let first = bytes.first else { return nil }
        if first < 254 { return Int(first) }
        var index = 1
        var strings = 0
        func length() -> Int? {
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            if byte < 254 {
                index += 1
                return Int(byte)
            }
            guard byte == 254, index + 4 < bytes.count else { return nil }
            let value =
                Int(bytes[index + 1]) | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]) << 16
                | Int(bytes[index + 4]) << 24
            index += 5
            return value
        }
        while index < bytes.count {
            if bytes[index] == 0xFF { return strings / 2 }
            guard let size = length() else { return nil }
            if strings % 2 == 1 {
                // A value has a free-space byte before it, and that much free space after.
                guard index < bytes.count else { return nil }
                index += 1 + Int(bytes[index])
            }
            index += size
            strings += 1
        }
        return nil
    }
}
