import Foundation

/// Compact human renderings of numbers for fixed-width columns.
public enum ValueFormatting {
    /// `950`, `12.3k`, `4.56M`, `1.2G`; `-` for absent.
    public static func count(_ value: Double?) -> String {
        guard let value else { return "-" }
        let magnitude = abs(value)
        switch magnitude {
        case ..<10: return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        case ..<1_000: return String(Int(value.rounded()))
        case ..<10_000: return String(format: "%.2fk", value / 1e3)
        case ..<1_000_000: return String(format: "%.1fk", value / 1e3)
        case ..<1e9: return String(format: "%.2fM", value / 1e6)
        default: return String(format: "%.2fG", value / 1e9)
        }
    }

    /// Bytes with binary units: `512B`, `1.5K`, `64.0M`, `2.00G`; `-` for absent.
    public static func bytes(_ value: Double?) -> String {
        guard let value else { return "-" }
        let units = ["B", "K", "M", "G", "T", "P"]
        var scaled = value
        var unit = 0
        // 1023.7K would print as "1024K": move up a unit once the rounded value reaches 1000.
        while abs(scaled) >= 999.5 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(scaled))B" }
        return String(format: scaled < 10 ? "%.2f%@" : scaled < 100 ? "%.1f%@" : "%.0f%@", scaled, units[unit])
    }

    /// A ratio as a percentage with one decimal: `66.7`; `-` for absent.
    public static func percent(_ ratio: Double?) -> String {
        guard let ratio else { return "-" }
        return String(format: "%.1f", ratio * 100)
    }

    /// A value for a sentence: whole numbers without decimals (`3000`), small ones with three
    /// (`0.742`), others with one (`310.5`).
    public static func plain(_ value: Double) -> String {
        if value == value.rounded() && value.magnitude < 1e15 { return String(Int64(value)) }
        return fixed(value, decimals: value.magnitude < 10 ? 3 : 1)
    }

    /// A plain number with the given decimals; `-` for absent.
    public static func fixed(_ value: Double?, decimals: Int) -> String {
        guard let value else { return "-" }
        return String(format: "%.\(decimals)f", value)
    }

    /// A ratio such as fragmentation in at most 5 characters: `1.05`, `12.3`, `140`; `-` for absent.
    public static func ratio(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value < 10 { return String(format: "%.2f", value) }
        if value < 100 { return String(format: "%.1f", value) }
        return String(Int(value.rounded()))
    }

    /// Milliseconds: `0.21`, `3.4`, `120`; `-` for absent.
    public static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value < 1 { return String(format: "%.2f", value) }
        if value < 100 { return String(format: "%.1f", value) }
        return String(Int(value.rounded()))
    }

    /// ISO 8601 UTC with milliseconds: `2026-11-24T07:30:01.250Z`.
    public static func iso8601(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = time_t(millis / 1000)
        var parts = tm()
        var copy = seconds
        gmtime_r(&copy, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }

    /// Local date and time to the second, with the zone's abbreviation: `2026-12-06 03:12:05 UTC`
    /// (seconds since 1970 in).
    public static func localDateTime(_ seconds: Double) -> String {
        var copy = time_t(seconds.rounded(.down))
        var parts = tm()
        localtime_r(&copy, &parts)
        let zone = parts.tm_zone.map { String(cString: $0) } ?? ""
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
            + (zone.isEmpty ? "" : " \(zone)")
    }

    /// Local wall-clock time of day: `07:30:01`.
    public static func timeOfDay(_ date: Date) -> String {
        var copy = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&copy, &parts)
        return String(format: "%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

extension ValueFormatting {
    /// A duration in whole units: `45s`, `12m`, `3h 20m`, `4d 2h`.
    public static func duration(seconds: Double) -> String {
        let total = Int(max(0, seconds).rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" }
        if total < 86400 { return "\(total / 3600)h \(total % 3600 / 60)m" }
        return "\(total / 86400)d \(total % 86400 / 3600)h"
    }
}
