/// Where a key's remaining TTL falls.
public enum TTLBucket: Int, CaseIterable, Sendable, Hashable, Comparable {
    /// No expiry: the key stays until deleted or evicted.
    case none
    /// Under a minute.
    case underMinute
    /// Under ten minutes.
    case underTenMinutes
    /// Under an hour.
    case underHour
    /// Under a day.
    case underDay
    /// A day or more.
    case dayOrMore

    /// The bucket of a remaining TTL (`nil`: no TTL).
    public init(ttlMilliseconds: Int64?) {
        guard let ttl = ttlMilliseconds else {
            self = .none
            return
        }
        switch ttl {
        case ..<60_000: self = .underMinute
        case ..<600_000: self = .underTenMinutes
        case ..<3_600_000: self = .underHour
        case ..<86_400_000: self = .underDay
        default: self = .dayOrMore
        }
    }

    /// A short label: `no TTL`, `<1m`, `<10m`, `<1h`, `<1d`, `≥1d`.
    public var label: String {
        switch self {
        case .none: return "no TTL"
        case .underMinute: return "<1m"
        case .underTenMinutes: return "<10m"
        case .underHour: return "<1h"
        case .underDay: return "<1d"
        case .dayOrMore: return ">=1d"
        }
    }

    /// Orders buckets from no TTL to the longest.
    public static func < (lhs: TTLBucket, rhs: TTLBucket) -> Bool { lhs.rawValue < rhs.rawValue }
}
