import Foundation

/// Files written for one test (rules files, mostly) in the temporary directory.
public enum TemporaryFile {
    /// Writes `text` to a new file whose name ends with `suffix`; returns its path.
    public static func containing(_ text: String, suffix: String = ".yaml") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cachewatch-\(UUID().uuidString)\(suffix)"
        ).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Creates a new, empty directory named `prefix` and a random part; returns its path.
    public static func directory(prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(UUID().uuidString.prefix(8))"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A new, empty directory for one test, removed with everything in it when the object goes
/// away (a failing test leaves nothing behind).
public final class TemporaryDirectory {
    /// Its path.
    public let path: String

    /// Creates the directory.
    public init(prefix: String = "cachewatch-test") throws {
        path = try TemporaryFile.directory(prefix: prefix)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
