import Foundation

/// Files written for one test (rules files, mostly), in a directory of this test process's own
/// under the temporary directory, removed when the process exits (so a run leaves nothing
/// behind, whatever its tests remove themselves).
public enum TemporaryFile {
    /// This process's directory for the files and directories below.
    public static let processDirectory: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cachewatch-tests-\(getpid())-\(UUID().uuidString.prefix(6))"
        ).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        ProcessDirectoryRemoval.path = path
        atexit { ProcessDirectoryRemoval.remove() }
        return path
    }()

    /// Writes `text` to a new file whose name ends with `suffix`; returns its path.
    public static func containing(_ text: String, suffix: String = ".yaml") throws -> String {
        let path = processDirectory + "/cachewatch-\(UUID().uuidString)\(suffix)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Creates a new, empty directory named `prefix` and a random part; returns its path.
    public static func directory(prefix: String) throws -> String {
        let path = processDirectory + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// What the exit handler removes (a C function pointer captures nothing).
private enum ProcessDirectoryRemoval {
    nonisolated(unsafe) static var path: String?

    static func remove() {
        if let path { try? FileManager.default.removeItem(atPath: path) }
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
