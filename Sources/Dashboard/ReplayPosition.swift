import Foundation

/// Where a replay stands (`cachewatch replay DIR`): the moment shown, the recording's span,
/// whether it plays and how fast, and a moment being typed. The dashboard shows it in its
/// header; the replay's loop moves ``time`` and rebuilds what is shown.
public struct ReplayPosition: Sendable, Hashable {
    /// The speeds played at, in recorded seconds per second.
    public static let speeds = [1, 2, 5, 10, 30, 60]

    /// The moment shown (seconds since 1970).
    public var time: Double
    /// The recording's first and last tick.
    public var span: ClosedRange<Double>
    /// Whether time moves on by itself.
    public var isPlaying = false
    /// The speed's index in ``speeds``.
    public var speedIndex = 0
    /// A moment being typed after `g` (`nil`: not typing).
    public var typing: String?
    /// Ticks to step (set by a key; the loop moves by whole ticks and clears it).
    public var pendingSteps = 0
    /// Whether the loop must rebuild what is shown at ``time``.
    public var needsSeek = true

    /// Creates a position at `time` in `span`, paused.
    public init(time: Double, span: ClosedRange<Double>) {
        self.span = span
        self.time = min(max(time, span.lowerBound), span.upperBound)
    }

    /// The speed, in recorded seconds per second.
    public var speed: Int { Self.speeds[speedIndex] }

    /// Moves to `time`, kept within the span.
    public mutating func seek(to time: Double) {
        self.time = min(max(time, span.lowerBound), span.upperBound)
        needsSeek = true
    }
}
