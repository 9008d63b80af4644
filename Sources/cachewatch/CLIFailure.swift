/// A runtime failure reported as one line, with the process exit code.
struct CLIFailure: Error, CustomStringConvertible {
    /// The line printed after `cachewatch: `.
    let message: String
    /// 1 for runtime failures (unreachable, refused); 2 for bad credentials.
    let exitCode: Int32

    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}
