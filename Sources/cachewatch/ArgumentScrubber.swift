import Foundation
import RedisClient

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

    /// The byte range of the password in a `scheme://user:password@host` argument (see
    /// `Endpoint.passwordRange(in:)`: malformed URLs too).
    static func passwordRange(in argument: String) -> Range<Int>? {
        guard argument.contains("@"), let range = Endpoint.passwordRange(in: argument) else { return nil }
        let utf8 = argument.utf8
        return utf8.distance(
            from: utf8.startIndex, to: range.lowerBound)..<utf8.distance(
                from: utf8.startIndex, to: range.upperBound)
    }

    /// The passwords among `arguments` (as the command line gave them, before scrubbing): the
    /// value of `-a`/`--pass`, the rest of `-aSECRET`/`--pass=SECRET`, a URL's password.
    static func secrets(in arguments: [String]) -> [String] {
        var secrets: [String] = []
        var nextIsSecret = false
        for argument in arguments.dropFirst() {
            if nextIsSecret {
                secrets.append(argument)
                nextIsSecret = false
            } else if argument == "-a" || argument == "--pass" {
                nextIsSecret = true
            } else if argument.hasPrefix("--pass=") {
                secrets.append(String(argument.dropFirst(7)))
            } else if argument.hasPrefix("-a"), !argument.hasPrefix("--"), argument.count > 2 {
                secrets.append(String(argument.dropFirst(2)))
            } else if argument.contains("@"), let range = Endpoint.passwordRange(in: argument) {
                secrets.append(String(argument[range]))
            }
        }
        return secrets.filter { !$0.isEmpty }
    }

    /// `message` with every password of `arguments` replaced by `***` (longest first, so that
    /// one password inside another is masked whole).
    static func redacted(_ message: String, arguments: [String] = CommandLine.arguments) -> String {
        var text = message
        for secret in secrets(in: arguments).sorted(by: { $0.count > $1.count }) {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
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
