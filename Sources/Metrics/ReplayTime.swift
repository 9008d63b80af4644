import Foundation

/// A moment of a recording as a user types it: `03:12` or `03:12:30` (that time of day, local
/// time, on the recording's last day — or the day before when that is after its end), `-2h`,
/// `-90s`, `-1d` (before the recording's end), `+10m` (after its start), an ISO 8601 date
/// (`2026-12-06T03:12:00Z`, `2026-12-06 03:12`), or seconds since 1970.
public struct ReplayTime: Sendable, Hashable, CustomStringConvertible {
    private enum Form: Hashable {
        case timeOfDay(hour: Int, minute: Int, second: Int)
        case beforeEnd(Double)
        case afterStart(Double)
        case absolute(Double)
    }

    private let form: Form
    /// As typed.
    public let description: String

    /// Reads `text`; `nil` when it is none of the forms.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        description = trimmed
        if let first = trimmed.first, first == "-" || first == "+", let span = Self.span(trimmed.dropFirst()) {
            form = first == "-" ? .beforeEnd(span) : .afterStart(span)
            return
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        if (2...3).contains(parts.count), parts.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60
        {
            let second = parts.count == 3 ? Int(parts[2]) ?? 60 : 0
            guard second < 60 else { return nil }
            form = .timeOfDay(hour: hour, minute: minute, second: second)
            return
        }
        if let seconds = Double(trimmed), seconds.isFinite, seconds > 0 {
            form = .absolute(seconds)
            return
        }
        if let date = Self.date(trimmed) {
            form = .absolute(date.timeIntervalSince1970)
            return
        }
        return nil
    }

    /// The moment in seconds since 1970, in a recording spanning `span`.
    public func resolve(in span: ClosedRange<Double>, timeZone: TimeZone = .current) -> Double {
        switch form {
        case .absolute(let seconds): return seconds
        case .beforeEnd(let seconds): return span.upperBound - seconds
        case .afterStart(let seconds): return span.lowerBound + seconds
        case .timeOfDay(let hour, let minute, let second):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let end = Date(timeIntervalSince1970: span.upperBound)
            var components = calendar.dateComponents([.year, .month, .day], from: end)
            components.hour = hour
            components.minute = minute
            components.second = second
            guard let sameDay = calendar.date(from: components) else { return span.upperBound }
            if sameDay.timeIntervalSince1970 <= span.upperBound { return sameDay.timeIntervalSince1970 }
            return (calendar.date(byAdding: .day, value: -1, to: sameDay) ?? sameDay).timeIntervalSince1970
        }
    }

    /// `90s`, `30m`, `2h`, `1d`, `1w`, or plain seconds.
    private static func span(_ text: Substring) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var digits = text
        var factor = 1.0
        if let last = text.last, let unit = units[last] {
            factor = unit
            digits = text.dropLast()
        }
        guard let number = Double(digits), number.isFinite, number >= 0 else { return nil }
        return number * factor
    }

    private static func date(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            iso.formatOptions = options
            if let date = iso.date(from: text) { return date }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
