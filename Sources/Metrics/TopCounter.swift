/// The most frequent items of a stream in bounded memory (Space-Saving): at most `capacity`
/// items are counted; a new item takes the place of the least counted one and inherits its
/// count as its possible error. Every item seen more than total/capacity times is kept, and
/// ``top(_:)`` ranks by the count each item surely has (count minus inherited error), so an
/// item that only inherited a large count does not pass for a hot one.
public struct TopCounter<Item: Hashable & Sendable>: Sendable {
    /// Most items counted at once.
    public let capacity: Int
    private var counts: [Item: (count: Int, error: Int)] = [:]

    /// Creates a counter of at most `capacity` items.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Counts `count` occurrences of `item`.
    public mutating func add(_ item: Item, count: Int = 1) {
        if let known = counts[item] {
            counts[item] = (known.count + count, known.error)
        } else if counts.count < capacity {
            counts[item] = (count, 0)
        } else if let least = counts.min(by: { $0.value.count < $1.value.count }) {
            counts[least.key] = nil
            counts[item] = (least.value.count + count, least.value.count)
        }
    }

    /// The `limit` items with the most sure occurrences, most first, with that sure count (a
    /// lower bound of the truth, exact for items counted since before the counter filled);
    /// items with none sure are left out; equal counts in no particular order.
    public func top(_ limit: Int) -> [(item: Item, count: Int)] {
        counts.map { (item: $0.key, count: $0.value.count - $0.value.error) }.filter { $0.count > 0 }
            .sorted { $0.count > $1.count }.prefix(limit).map { $0 }
    }

    /// Whether nothing was counted.
    public var isEmpty: Bool { counts.isEmpty }
}
