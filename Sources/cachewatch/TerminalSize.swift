#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The size of the terminal on stdout, when there is one.
enum TerminalSize {
    /// Rows of the terminal on stdout, or `fallback` when stdout is not a terminal.
    static func rows(default fallback: Int) -> Int {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 2 else {
            return fallback
        }
        return Int(size.ws_row)
    }
}
