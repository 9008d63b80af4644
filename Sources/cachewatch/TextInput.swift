import Foundation

/// Reads the text of a file the user names, where `-` (and `/dev/stdin`, a pipe) means
/// standard input: `cachewatch rules --print-defaults | cachewatch rules --check -`.
enum TextInput {
    /// The UTF-8 text at `path`, or `nil` when it cannot be read or is not UTF-8.
    static func read(_ path: String) -> String? {
        let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
        guard let handle, let data = try? handle.readToEnd() ?? Data() else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// How `path` is named in messages (`standard input` for `-`).
    static func name(_ path: String) -> String { path == "-" ? "standard input" : path }
}
