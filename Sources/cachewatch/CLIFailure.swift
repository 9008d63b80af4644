/// A runtime failure reported as one line, with the process exit code.
import RedisClient
import Telemetry

struct CLIFailure: Error, CustomStringConvertible {
    /// The line printed after `cachewatch: `.
    let message: String
    /// 1 for runtime failures (unreachable, refused); 2 for bad credentials.
    let exitCode: Int32

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    /// A poll that failed before anything started: exit 2 for credentials, else 1.
    init(_ failure: PollFailure) {
        self.init(failure.message, exitCode: failure.kind == .authentication ? 2 : 1)
    }

    /// A connection that could not be made: exit 2 for credentials, else 1.
    init(_ error: RedisConnectionError) {
        self.init(error.description, exitCode: error.isAuthentication ? 2 : 1)
    }

    var description: String { message }
}
