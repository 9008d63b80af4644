import Foundation

/// `watch --csv FILE`: rows appended to a file whose header is written once. A file that
/// already holds other columns is never mixed into: opening it is an error. The file stays
/// whole rows: a write that fails (a full disk) is cut back off, and a torn last row left by a
/// run that was killed or hit a full disk is cut off before anything is appended.
public final class CSVAppender {
    /// The file.
    public let path: String
    /// Bytes of a torn last row cut off when the file was opened (0: none).
    public let repairedBytes: Int
    private let handle: FileHandle

    /// Opens `path` for appending rows of `header`'s columns, writing the header if the file
    /// is new or empty.
    ///
    /// - Throws: ``SnapshotError`` when the file cannot be written or has another header.
    public init(path: String, header: [String]) throws(SnapshotError) {
        self.path = path
        let expected: String
        do {
            expected = try CSVTable.encode([header])
        } catch {
            throw SnapshotError("cannot encode the CSV header: \(error)")
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw SnapshotError("'\(path)' is a directory") }
        var hasContent = false
        let isRegular =
            exists && (try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
        if isRegular {
            // Only a regular file has a header to check (a pipe or /dev/full has none).
            guard let reader = FileHandle(forReadingAtPath: path) else {
                throw SnapshotError("cannot read '\(path)' to check its header")
            }
            let head = (try? reader.read(upToCount: expected.utf8.count + 4096)) ?? Data()
            try? reader.close()
            hasContent = !head.isEmpty
            if hasContent {
                // Bytes up to the first LF, without its CR ("\r\n" is one Character in Swift).
                var firstLine = head.prefix { $0 != 0x0A }
                if firstLine.last == 0x0D { firstLine = firstLine.dropLast() }
                guard String(decoding: firstLine, as: UTF8.self) == expected.trimmingCharacters(in: .newlines) else {
                    throw SnapshotError(
                        "'\(path)' already holds CSV with other columns; append to a new file instead")
                }
            }
        } else if !exists && !manager.createFile(atPath: path, contents: nil) {
            throw SnapshotError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        // A regular file is opened for reading too (a torn last row is read to be cut off); a
        // pipe is opened for writing only — as its reader too, it would never see the real
        // reader go away.
        let opened = isRegular ? FileHandle(forUpdatingAtPath: path) : FileHandle(forWritingAtPath: path)
        guard let handle = opened else {
            throw SnapshotError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        var repaired = 0
        do {
            if isRegular {
                let end = try handle.seekToEnd()
                if hasContent { repaired = try Self.cutTornRow(handle, end: end) }
            }
            if !hasContent { try handle.write(contentsOf: Data(expected.utf8)) }
        } catch {
            throw SnapshotError("cannot write '\(path)': \(SnapshotError.reason(of: error))")
        }
        repairedBytes = repaired
    }

    /// Cuts the bytes after the last line end (a row written in part), leaving the handle at
    /// the new end; returns how many were cut.
    private static func cutTornRow(_ handle: FileHandle, end: UInt64) throws -> Int {
        guard end > 0 else { return 0 }
        let window = min(end, 1 << 20)
        try handle.seek(toOffset: end - window)
        let tail = try handle.read(upToCount: Int(window)) ?? Data()
        guard tail.last != 0x0A else {
            try handle.seek(toOffset: end)
            return 0
        }
        // A last row longer than the window (never written by cachewatch) is left as it is.
        guard let lastLineEnd = tail.lastIndex(of: 0x0A) else {
            try handle.seek(toOffset: end)
            return 0
        }
        let keep = end - window + UInt64(lastLineEnd - tail.startIndex + 1)
        try handle.truncate(atOffset: keep)
        try handle.seek(toOffset: keep)
        return Int(end - keep)
    }

    deinit {
        try? handle.close()
    }

    /// Appends CSV text (whole rows with their line ends); when the write fails, what it wrote
    /// in part is cut off again (on a regular file), so the file ends with a whole row.
    public func append(_ text: String) throws(SnapshotError) {
        let before = try? handle.offset()
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            if let before {
                try? handle.truncate(atOffset: before)
                try? handle.seek(toOffset: before)
            }
            throw SnapshotError("cannot append to '\(path)': \(SnapshotError.reason(of: error))")
        }
    }
}
