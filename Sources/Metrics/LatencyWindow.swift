import Histogram

/// PING round trips over the last `capacity` polls, with percentiles from an HDR histogram
/// (2 significant digits — 1 % resolution, plenty for latency — from 1 µs to 60 s).
public struct LatencyWindow: Sendable {
    private var samples: RingBuffer<UInt64>

    /// Creates a window over the last `capacity` round trips.
    public init(capacity: Int) {
        samples = RingBuffer(capacity: capacity)
    }

    /// Records one round trip.
    public mutating func record(_ rtt: Duration) {
        let micros = max(1, rtt.components.seconds * 1_000_000 + rtt.components.attoseconds / 1_000_000_000_000)
        samples.append(UInt64(min(micros, 60_000_000)))
    }

    /// How many round trips the window holds.
    public var count: Int { samples.count }

    /// p50, p99 and max in milliseconds; `nil` when the window is empty.
    public func percentiles() -> (p50: Double, p99: Double, max: Double)? {
        guard !samples.isEmpty else { return nil }
        var histogram = Histogram<UInt32>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        for value in samples { _ = histogram.record(value) }
        return (
            Double(histogram.valueAtPercentile(50)) / 1000,
            Double(histogram.valueAtPercentile(99)) / 1000,
            Double(histogram.max) / 1000
        )
    }
}
