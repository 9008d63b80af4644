#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blanks passwords in the process's own argument strings after parsing, so `ps` and
/// `/proc/PID/cmdline` stop showing them (as redis-cli does). A password given with `-a` is
/// still visible for the instant before this runs: `REDISCLI_AUTH` is the safe way.
enum ArgumentScrubber {
    static func scrubSecrets() {
        let argc = Int(CommandLine.argc)
        var hideNext = false
        for index in 1..<max(1, argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let argument = String(cString: pointer)
            if hideNext {
                overwrite(pointer, from: 0)
                hideNext = false
            } else if argument == "-a" || argument == "--pass" {
                hideNext = true
            } else if argument.hasPrefix("--pass=") {
                overwrite(pointer, from: 7)
            } else if argument.hasPrefix("-a"), argument.count > 2 {
                overwrite(pointer, from: 2)
            } else if let range = passwordRange(in: argument) {
                overwrite(pointer, from: range.lowerBound, to: range.upperBound)
            }
        }
    }

    /// The byte range of the password in a `scheme://user:password@host` argument.
    static func passwordRange(in argument: String) -> Range<Int>? {
        let bytes = Array(argument.utf8)
        guard let schemeEnd = argument.range(of: "://") else { return nil }
        let start = argument.utf8.distance(from: argument.utf8.startIndex, to: schemeEnd.upperBound)
        let authorityEnd = bytes[start...].firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
        guard let at = bytes[start..<authorityEnd].lastIndex(of: UInt8(ascii: "@")),
            let colon = bytes[start..<at].firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        return (colon + 1)..<at
    }

    private static func overwrite(_ pointer: UnsafeMutablePointer<CChar>, from start: Int, to end: Int? = nil) {
        let length = end ?? strlen(pointer)
        var index = start
        while index < length {
            pointer[index] = CChar(UInt8(ascii: "*"))
            index += 1
        }
    }
}
