import Foundation
import TestSupport
import Testing

/// The built `cachewatch` executable, run as a user would.
enum CachewatchBinary {
    /// `$CACHEWATCH_BIN`, else `cachewatch` next to the test bundle in the build directory.
    static var path: String {
        if let override = ProcessInfo.processInfo.environment["CACHEWATCH_BIN"] { return override }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("cachewatch").path
    }

    /// Starts the binary with a clean, predictable environment plus `environment`.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        var base = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "COLUMNS": "100", "TZ": "UTC",
        ]
        base.merge(environment) { $1 }
        return try ChildProcess(executable: path, arguments: arguments, environment: base)
    }

    /// Runs the binary to completion and returns its exit code, stdout and stderr.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws -> (code: Int32, stdout: String, stderr: String) {
        let process = try start(arguments, environment: environment)
        let code = try await process.waitForExit(timeout: timeout)
        return (code, process.standardOutput, process.standardError)
    }
}

/// The JSON objects among the lines of `watch --format json` output (other lines skipped).
func jsonObjects(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

/// Expects `out` to hold one snapshot directory with its metrics and manifest.
func expectOneSnapshot(in out: String) throws {
    let written = try FileManager.default.contentsOfDirectory(atPath: out)
    #expect(written.count == 1, "one snapshot directory: \(written)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out + "/" + (written.first ?? ""))
    #expect(files.contains("metrics.csv") && files.contains("manifest.json"), "\(files)")
}
