import Foundation

/// Reads the text of a file the user names, where `-` (and `/dev/stdin`, a pipe) means
/// standard input: `cachewatch rules --print-defaults | cachewatch rules --check -`. Reading
/// stops at ``limit``: a rules or targets file is a few kilobytes, and `/dev/zero` or a log
/// named by mistake must not be read into memory.
enum TextInput {
    /// The most bytes read: a thousand rules take about 300 KB.
    static let limit = 1 << 20

    /// Why a file gives no text, in words for a one-line error.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The UTF-8 text at `path`.
    static func read(_ path: String, limit: Int = limit) throws(Failure) -> String {
        let shown = name(path)
        var isDirectory: ObjCBool = false
        if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Failure(description: "\(shown) is a directory")
        }
        let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
        guard let handle else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw Failure(
                description: exists ? "\(shown) cannot be read (permission denied)" : "\(shown) does not exist")
        }
        var data = Data()
        do {
            while data.count <= limit, let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                data.append(chunk)
            }
        } catch {
            throw Failure(description: "\(shown) cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= limit else {
            throw Failure(description: "\(shown) is larger than \(limit / 1024) KiB: not a file cachewatch reads")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(shown) is not UTF-8 text")
        }
        return text
    }

    /// How `path` is named in messages (`standard input` for `-`).
    static func name(_ path: String) -> String { path == "-" ? "standard input" : path }
}
