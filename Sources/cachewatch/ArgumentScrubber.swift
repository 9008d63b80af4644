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
        let pointers = (0..<max(1, argc)).map { CommandLine.unsafeArgv[$0] }
        let arguments = pointers.map { $0.map { String(cString: $0) } ?? "" }
        for secret in secretRanges(in: arguments) {
            guard let pointer = pointers[secret.argument] else { continue }
            for index in secret.bytes { pointer[index] = CChar(UInt8(ascii: "*")) }
        }
    }

    /// Where the passwords are among `arguments` (the program name first, as the command line
    /// gave them): by argument, the UTF-8 byte range of the value of `-a`/`--pass`, of the rest
    /// of `-aSECRET`/`--pass=SECRET`, of a URL's password (see `Endpoint.passwordRange(in:)`:
    /// malformed URLs too).
    static func secretRanges(in arguments: [String]) -> [(argument: Int, bytes: Range<Int>)] {
        var ranges: [(argument: Int, bytes: Range<Int>)] = []
        var nextIsSecret = false
        for (index, argument) in arguments.enumerated().dropFirst() {
            let length = argument.utf8.count
            if nextIsSecret {
                ranges.append((index, 0..<length))
                nextIsSecret = false
            } else if argument == "-a" || argument == "--pass" {
                nextIsSecret = true
            } else if argument.hasPrefix("--pass=") {
                ranges.append((index, 7..<length))
            } else if argument.hasPrefix("-a"), length > 2 {
                ranges.append((index, 2..<length))
            } else if argument.contains("@"), let range = Endpoint.passwordRange(in: argument) {
                let utf8 = argument.utf8
                ranges.append(
                    (
                        index,
                        utf8.distance(
                            from: utf8.startIndex, to: range.lowerBound)..<utf8.distance(
                                from: utf8.startIndex, to: range.upperBound)
                    ))
            }
        }
        return ranges.filter { !$0.bytes.isEmpty }
    }

    /// The passwords among `arguments` (see ``secretRanges(in:)``).
    static func secrets(in arguments: [String]) -> [String] {
        secretRanges(in: arguments).map { secret in
            let bytes = Array(arguments[secret.argument].utf8)
            return String(decoding: bytes[secret.bytes], as: UTF8.self)
        }
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
}
