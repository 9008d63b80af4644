import Export
import Foundation

/// Unbuffered line output: each line reaches a pipe (`watch | jq`) as soon as it is printed.
/// SIGPIPE is ignored (``ignoreBrokenPipe()``), so a reader that goes away (`watch | head`) is an
/// error that ends the command the ordinary way — with its clean-up — not a kill.
enum ConsoleOutput {
    /// Writes `line` and a newline to stdout; throws when stdout cannot be written.
    static func line(_ line: String) throws {
        do {
            try FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw CLIFailure("cannot write to the standard output: \(SnapshotError.reason(of: error))")
        }
    }

    /// Writes `line` and a newline to stderr (nothing if stderr is gone: there is nowhere left
    /// to say it).
    static func error(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Makes a write to a closed pipe fail with `EPIPE` instead of killing the process.
    static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
        // A file-size limit (ulimit -f) makes a write fail with EFBIG, reported in one line,
        // rather than kill the process in the middle of a row.
        signal(SIGXFSZ, SIG_IGN)
    }
}
