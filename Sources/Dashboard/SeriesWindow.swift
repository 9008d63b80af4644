import Metrics

/// A series cut to the graph window and bucketed to the points a graph has room for: each
/// bucket covers the same span of time, so the width of a graph always means the window.
public struct SeriesWindow: Sendable {
    /// Bucket values (mean of the values in the bucket), oldest first.
    public let values: [Double?]
    /// Whether each bucket holds only failed polls.
    public let failed: [Bool]

    /// Buckets `key` of `node` over the last `seconds` before its newest tick into `points` buckets.
    public init(node: NodeMetrics, key: SeriesKey, seconds: Int, points: Int) {
        let points = max(1, points)
        guard let newest = node.times.last else {
            values = []
            failed = []
            return
        }
        let series = node.values(key)
        let up = node.values(Metric.up)
        let span = Double(seconds) / Double(points)
        let start = newest - Double(seconds)
        var sums = [Double](repeating: 0, count: points)
        var counts = [Int](repeating: 0, count: points)
        var failures = [Int](repeating: 0, count: points)
        var seen = [Bool](repeating: false, count: points)
        for (index, time) in node.times.enumerated() where time > start {
            let bucket = min(points - 1, Int((time - start) / span))
            seen[bucket] = true
            if let value = series[index] {
                sums[bucket] += value
                counts[bucket] += 1
            }
            if up[index] == 0 { failures[bucket] += 1 }
        }
        // Buckets narrower than the poll interval hold no tick: they repeat the bucket before
        // them, so a graph is continuous. Buckets before the first tick stay empty.
        var values: [Double?] = []
        var failed: [Bool] = []
        for bucket in 0..<points {
            if !seen[bucket] {
                values.append(values.last ?? nil)
                failed.append(failed.last ?? false)
                continue
            }
            values.append(counts[bucket] > 0 ? sums[bucket] / Double(counts[bucket]) : nil)
            failed.append(counts[bucket] == 0 && failures[bucket] > 0)
        }
        self.values = values
        self.failed = failed
    }

    /// The series as a metric of the vocabulary.
    public init(node: NodeMetrics, metric: Metric, seconds: Int, points: Int) {
        self.init(node: node, key: .metric(metric), seconds: seconds, points: points)
    }

    /// The largest value in the window.
    public var maximum: Double? { values.compactMap { $0 }.max() }
}
