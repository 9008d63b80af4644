import ArgumentParser
import Foundation

/// A size typed on the command line: a number and a decimal unit — `500MB`, `2GB`, `1.5G`,
/// `800k` — or plain bytes (`B`, `KB`, `MB`, `GB`, `TB`; powers of 1,000).
struct ByteSize: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
    /// The size in bytes.
    let bytes: Int64

    init(bytes: Int64) { self.bytes = bytes }

    init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        if text.hasSuffix("B") { text.removeLast() }
        let units: [(Character, Double)] = [("K", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12)]
        var factor = 1.0
        if let last = text.last, let unit = units.first(where: { $0.0 == last }) {
            factor = unit.1
            text.removeLast()
        }
        guard let number = Double(text), number.isFinite, number > 0, number * factor < 9e18 else { return nil }
        bytes = Int64(number * factor)
    }

    var description: String {
        for (suffix, value) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where Double(bytes) >= value {
            return "\((Double(bytes) / value).formatted())\(suffix)"
        }
        return "\(bytes)B"
    }
}
