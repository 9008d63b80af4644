import Foundation

/// Unbuffered line output: each line reaches a pipe (`watch | jq`) as soon as it is printed.
enum ConsoleOutput {
    /// Writes `line` and a newline to stdout.
    static func line(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes `line` and a newline to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
