#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of an RDB file, read through one fixed buffer from a file descriptor (a file or a
/// pipe): every read is a slice of the buffer, valid until the next read, so nothing is
/// allocated per value. The CRC-64 of everything consumed is kept when asked for (it needs every
/// byte, skipped ones too); without it, long skips on a file seek past their bytes.
final class RDBInput {
    /// The buffer's size: values longer than it are skipped or streamed, never held whole.
    static let capacity = 1 << 20

    private let descriptor: Int32
    private let buffer: UnsafeMutableRawPointer
    /// The unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    /// The file offset of `buffer[0]`.
    private var bufferOffset: Int64 = 0
    /// Where the CRC has reached in the buffer (bytes before it are in `crc`).
    private var crcMark = 0
    private var crc: CRC64?
    private var atEnd = false
    private let seekable: Bool

    /// Reads `descriptor` (not closed here), keeping the CRC when `checksum`.
    init(descriptor: Int32, checksum: Bool) {
        self.descriptor = descriptor
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.capacity, alignment: 16)
        crc = checksum ? CRC64() : nil
        seekable = lseek(descriptor, 0, SEEK_CUR) >= 0
    }

    deinit { buffer.deallocate() }

    /// The offset of the next byte to read.
    var offset: Int64 { bufferOffset + Int64(start) }

    /// The CRC of every byte consumed so far (`nil` when not kept).
    var checksum: UInt64? {
        guard crc != nil else { return nil }
        foldCRC()
        return crc?.value
    }

    /// Bytes read from the source in all (what progress reports).
    var bytesRead: Int64 { bufferOffset + Int64(end) }

    private func foldCRC() {
        guard crc != nil, start > crcMark else { return }
        crc?.update(UnsafeRawBufferPointer(start: buffer + crcMark, count: start - crcMark))
        crcMark = start
    }

    /// Makes at least `count` (≤ ``capacity``) bytes available; `false` at the end of input.
    private func fill(_ count: Int) throws(RDBError) -> Bool {
        if end - start >= count { return true }
        foldCRC()
        // Move what is left to the front.
        let left = end - start
        if start > 0 {
            if left > 0 { memmove(buffer, buffer + start, left) }
            bufferOffset += Int64(start)
            start = 0
            end = left
            crcMark = 0
        }
        while end < count && !atEnd {
            let got = read(descriptor, buffer + end, Self.capacity - end)
            if got < 0 {
                if errno == EINTR { continue }
                throw RDBError(offset: offset, "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { atEnd = true }
            end += got
        }
        return end - start >= count
    }

    /// The next `count` bytes (≤ ``capacity``), consumed; valid until the next read.
    func bytes(_ count: Int, _ what: @autoclosure () -> String) throws(RDBError) -> UnsafeRawBufferPointer {
        guard count <= Self.capacity else {
            throw RDBError(offset: offset, "\(what()): \(count) bytes at once is more than the reader holds")
        }
        guard try fill(count) else {
            throw RDBError(offset: offset, "the file ends in \(what()) (\(count) bytes expected, \(end - start) left)")
        }
        let slice = UnsafeRawBufferPointer(start: buffer + start, count: count)
        start += count
        return slice
    }

    /// The next `count` bytes without consuming them (fewer at the end of input).
    func peek(_ count: Int) throws(RDBError) -> UnsafeRawBufferPointer {
        _ = try fill(min(count, Self.capacity))
        return UnsafeRawBufferPointer(start: buffer + start, count: min(count, end - start))
    }

    /// The next byte.
    func byte(_ what: @autoclosure () -> String) throws(RDBError) -> UInt8 {
        if start < end {
            let value = buffer.load(fromByteOffset: start, as: UInt8.self)
            start += 1
            return value
        }
        return try bytes(1, what())[0]
    }

    /// A little-endian integer of `width` bytes.
    func littleEndian(_ width: Int, _ what: @autoclosure () -> String) throws(RDBError) -> UInt64 {
        let raw = try bytes(width, what())
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    /// A big-endian integer of `width` bytes.
    func bigEndian(_ width: Int, _ what: @autoclosure () -> String) throws(RDBError) -> UInt64 {
        let raw = try bytes(width, what())
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(raw[index]) }
        return value
    }

    /// Consumes `count` bytes without looking at them: read through (for the CRC) or, on a file
    /// without a CRC to keep, sought past.
    func skip(_ count: Int64, _ what: @autoclosure () -> String) throws(RDBError) {
        guard count >= 0 else { throw RDBError(offset: offset, "\(what()): a negative length") }
        var left = count
        let buffered = Int64(end - start)
        if left <= buffered {
            start += Int(left)
            return
        }
        if crc == nil && seekable && left > Int64(Self.capacity) {
            left -= buffered
            let target = bytesRead + left
            let size = lseek(descriptor, 0, SEEK_END)
            guard size >= target else {
                throw RDBError(offset: offset, "the file ends in \(what()) (\(count) bytes expected)")
            }
            guard lseek(descriptor, off_t(target), SEEK_SET) == target else {
                throw RDBError(offset: offset, "cannot seek: \(String(cString: strerror(errno)))")
            }
            bufferOffset = target
            start = 0
            end = 0
            crcMark = 0
            return
        }
        while left > 0 {
            let step = Int(min(left, Int64(Self.capacity)))
            let available = end - start
            if available >= step {
                start += step
                left -= Int64(step)
                continue
            }
            start = end
            left -= Int64(available)
            guard try fill(min(Int(min(left, Int64(Self.capacity))), Self.capacity)) || end > start else {
                throw RDBError(offset: offset, "the file ends in \(what()) (\(count) bytes expected)")
            }
        }
    }

    /// Whether the input has bytes left.
    func hasMore() throws(RDBError) -> Bool { try fill(1) }
}
