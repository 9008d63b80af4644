import Foundation

/// Finds server executables the demo and tests can start.
public enum ServerBinary {
    /// The server to run: `$REDIS_SERVER` if set, else the first `redis-server` on `PATH` or in
    /// the usual system directories, else a `valkey-server`; `nil` when there is none.
    public static func redisServer(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let override = environment["REDIS_SERVER"], !override.isEmpty { return override }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in ["redis-server", "valkey-server"] {
            for directory in path + ["/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/redis/bin"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// The Debian `redis-server` (built with TLS), whatever `$REDIS_SERVER` says; `nil` when absent.
    public static var systemRedisServer: String? {
        ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// The major version of the server `redisServer()` finds (`Redis server v=6.2.14` → 6;
    /// Valkey 8 → 8), read once from `--version`; 0 when unknown.
    public static let majorVersion: Int = {
        guard let binary = redisServer(), let child = try? ChildProcess(executable: binary, arguments: ["--version"])
        else { return 0 }
        let deadline = Date().addingTimeInterval(10)
        while child.exitCodeIfExited() == nil && Date() < deadline { usleep(10_000) }
        let text = child.standardOutput
        guard let range = text.range(of: "v=") else { return 0 }
        return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }()
}
