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

    /// This input's buffer size: ``capacity``, or what an input in memory needs.
    let capacity: Int

    /// Where the bytes come from.
    enum Source {
        /// A file or a pipe.
        case descriptor(Int32)
        /// Bytes in memory (tests, fuzzing), with how many were handed out.
        case memory([UInt8])
    }

    private let source: Source
    private var memoryOffset = 0
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

    /// Reads `source` (a descriptor is not closed here), keeping the CRC when `checksum`.
    init(_ source: Source, checksum: Bool) {
        self.source = source
        if case .memory(let bytes) = source {
            capacity = min(Self.capacity, max(4096, bytes.count))
        } else {
            capacity = Self.capacity
        }
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        crc = checksum ? CRC64() : nil
        if case .descriptor(let descriptor) = source {
            seekable = lseek(descriptor, 0, SEEK_CUR) >= 0
        } else {
            seekable = false
        }
    }

    /// Reads up to `count` bytes into `target`: the count read, 0 at the end, -1 on an error.
    private func read(into target: UnsafeMutableRawPointer, count: Int) -> Int {
        switch source {
        case .descriptor(let descriptor):
            #if canImport(Glibc)
            return Glibc.read(descriptor, target, count)
            #else
            return Darwin.read(descriptor, target, count)
            #endif
        case .memory(let bytes):
            let take = min(count, bytes.count - memoryOffset)
            bytes.withUnsafeBytes { all in
                guard take > 0, let base = all.baseAddress else { return }
                target.copyMemory(from: base + memoryOffset, byteCount: take)
            }
            memoryOffset += take
            return take
        }
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
            let got = read(into: buffer + end, count: capacity - end)
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
        guard count <= capacity else {
            if case .memory = source {
                throw RDBError(offset: offset, "the file ends in \(what()) (\(count) bytes expected)")
            }
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
        _ = try fill(min(count, capacity))
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
        if crc == nil && seekable && left > Int64(capacity), case .descriptor(let descriptor) = source {
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
            let step = Int(min(left, Int64(capacity)))
            let available = end - start
            if available >= step {
                start += step
                left -= Int64(step)
                continue
            }
            start = end
            left -= Int64(available)
            guard try fill(Int(min(left, Int64(capacity)))) || end > start else {
                throw RDBError(offset: offset, "the file ends in \(what()) (\(count) bytes expected)")
            }
        }
    }

    /// Whether the input has bytes left.
    func hasMore() throws(RDBError) -> Bool { try fill(1) }
}
