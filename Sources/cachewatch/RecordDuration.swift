import ArgumentParser
import Foundation

/// A span of time typed on the command line: a number and a unit — `90s`, `30m`, `12h`, `7d`,
/// `2w` — or plain seconds.
struct RecordDuration: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The span in seconds.
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800)]
        var factor = 1.0
        var digits = Substring(text)
        if let (suffix, value) = units.first(where: { text.hasSuffix($0.0) }) {
            factor = value
            digits = text.dropLast(suffix.count)
        }
        guard let number = Double(digits), number.isFinite, number > 0 else { return nil }
        seconds = number * factor
    }

    var description: String {
        for (suffix, value) in [("d", 86_400.0), ("h", 3600), ("m", 60)]
        where seconds >= value && seconds.truncatingRemainder(dividingBy: value) == 0 {
            return "\(Int(seconds / value))\(suffix)"
        }
        return "\(seconds.formatted())s"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
