import Foundation

/// The JSON encoding of the records cachewatch prints and writes: `Codable` values, keys sorted
/// so that output is stable (golden files, diffs), `/` unescaped. A non-finite number is
/// encoded as `null` by the records themselves (``finite(_:)``).
///
/// Metric lines (`watch --format json`) and the scan report keep the hand-written ``JSONText``:
/// their fields follow the documented vocabulary order, which sorted keys would lose, and the
/// metric line is printed once per node and tick.
public enum JSONOutput {
    /// One line of JSON for `value`.
    public static func line(_ value: some Encodable) -> String {
        String(decoding: (try? encoder(pretty: false).encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// `value` as an indented document ending with a newline.
    public static func document(_ value: some Encodable) -> String {
        String(decoding: (try? encoder(pretty: true).encode(value)) ?? Data("null".utf8), as: UTF8.self) + "\n"
    }

    /// `value`, or `nil` (encoded `null`) when it is not finite.
    public static func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }

    private static func encoder(pretty: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
