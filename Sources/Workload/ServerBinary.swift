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
}
