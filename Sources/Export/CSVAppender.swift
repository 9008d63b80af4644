import Foundation

/// `watch --csv FILE`: rows appended to a file whose header is written once. A file that
/// already holds other columns is never mixed into: opening it is an error.
public final class CSVAppender {
    /// The file.
    public let path: String
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
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw SnapshotError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        do {
            if isRegular { try handle.seekToEnd() }
            if !hasContent { try handle.write(contentsOf: Data(expected.utf8)) }
        } catch {
            throw SnapshotError("cannot write '\(path)': \(SnapshotError.reason(of: error))")
        }
    }

    deinit {
        try? handle.close()
    }

    /// Appends CSV text (whole rows with their line ends).
    public func append(_ text: String) throws(SnapshotError) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw SnapshotError("cannot append to '\(path)': \(SnapshotError.reason(of: error))")
        }
    }
}
