import Foundation

/// Draws ranks 0..<n with Zipf popularity (rank k with weight 1/(k+1)^s): a few hot keys take
/// most of the traffic, as in real caches.
public struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    /// Creates a sampler over `count` ranks with exponent `exponent` (1.0 is classic Zipf).
    public init(count: Int, exponent: Double = 1.0) {
        var running = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(max(1, count))
        for rank in 0..<max(1, count) {
            running += 1 / pow(Double(rank + 1), exponent)
            cumulative.append(running)
        }
        let total = running
        self.cumulative = cumulative.map { $0 / total }
    }

    /// The number of ranks.
    public var count: Int { cumulative.count }

    /// A rank drawn with Zipf probability.
    public func next(using generator: inout some RandomNumberGenerator) -> Int {
        let target = Double.random(in: 0..<1, using: &generator)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
