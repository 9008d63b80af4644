import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Options of the interactive dashboard.
struct DisplayOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        try PollInterval.validate(interval)
    }

    /// Whether to use colours: not with `--no-color`, not when `NO_COLOR` is set and non-empty.
    var usesColor: Bool {
        !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    }
}

/// The dashboard draws on a terminal only.
enum TerminalCheck {
    /// Fails unless stdin and stdout are a terminal.
    static func requireTerminal() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CLIFailure("the dashboard needs a terminal; for output to a pipe or a file use 'cachewatch watch'")
        }
    }
}
