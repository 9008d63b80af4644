import Foundation

/// Capped exponential backoff between connection attempts: `initial`, then × `multiplier`
/// after each further failure, never more than `maximum`.
public struct ReconnectBackoff: Sendable, Hashable {
    /// The wait after the first failed attempt.
    public var initial: Duration
    /// The longest wait.
    public var maximum: Duration
    /// The growth factor per consecutive failure.
    public var multiplier: Double

    /// Creates a policy; the defaults retry after 0.25 s, 0.5 s, 1 s … up to every 10 s.
    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(10), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = max(1, multiplier)
    }

    /// The wait after `failures` consecutive failed attempts (1 for the first).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let seconds = initial.secondsDouble * pow(multiplier, Double(min(failures - 1, 64)))
        return seconds >= maximum.secondsDouble ? maximum : .nanoseconds(Int64(seconds * 1e9))
    }
}
