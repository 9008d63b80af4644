import Alerts
import Export
import Foundation
import Metrics
import Telemetry

/// What the HTML and Markdown reports both print, worded once: titles and units of the charted
/// series, values in their units, times, durations, a slow command cut to its name and key, and
/// each node's minimum, mean and maximum of a series.
enum ReportFigures {
    /// The title of a charted series.
    static func title(_ metric: Metric) -> String {
        switch metric {
        case .hitRatio: "Hit ratio"
        case .opsPerSec: "Operations per second"
        case .evictedPerSec: "Keys evicted per second"
        case .expiredPerSec: "Keys expired per second"
        case .missesPerSec: "Key misses per second"
        case .usedMemoryBytes: "Memory used (dashed: maxmemory)"
        case .pingP99Ms: "PING round trip, p99 (ms)"
        default: metric.name
        }
    }

    /// A value of `metric` as a person reads it.
    static func value(_ value: Double?, _ metric: Metric) -> String {
        guard let value else { return "-" }
        switch metric {
        case .hitRatio: return ValueFormatting.percent(value) + "%"
        case .usedMemoryBytes, .maxmemoryBytes: return ValueFormatting.bytes(value)
        case .pingP99Ms, .pingMs: return ValueFormatting.milliseconds(value)
        default: return ValueFormatting.count(value)
        }
    }

    /// `2027-01-15 08:04:01 UTC`.
    static func time(_ seconds: Double) -> String {
        let stamp = ValueFormatting.iso8601(Date(timeIntervalSince1970: seconds))
        return String(stamp.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `3m 20s`.
    static func duration(_ seconds: Double) -> String { ValueFormatting.duration(seconds: max(0, seconds)) }

    /// A slow command as its name and first argument (its key), never the rest (values); the
    /// key replaced by a token when keys are redacted.
    static func command(_ arguments: [[UInt8]], redactsKeys: Bool) -> String {
        guard let name = arguments.first else { return "" }
        var text = KeyName.escaped(name).uppercased()
        if arguments.count > 1 {
            text += " " + (redactsKeys ? KeyRedaction.token(for: arguments[1]) : KeyName.escaped(arguments[1]))
        }
        if arguments.count > 2 { text += " … (\(arguments.count - 2) more)" }
        return text
    }

    /// Minimum, mean and maximum of `points`.
    static func summary(_ points: [(time: Double, value: Double)]) -> (min: Double, mean: Double, max: Double)? {
        guard !points.isEmpty else { return nil }
        let values = points.map(\.value)
        return (values.min() ?? 0, values.reduce(0, +) / Double(values.count), values.max() ?? 0)
    }

    /// What an alert span says of its incident: `symptom of MemoryFull{node=…}`, or nothing.
    static func cause(_ alert: Alert) -> String {
        alert.cause.map { "symptom of \($0)" } ?? ""
    }
}
