/// A bounded FIFO: appending to a full buffer drops the oldest element.
///
/// Indices run from 0 (oldest) to `count - 1` (newest). Storage grows with the elements held
/// (never past `capacity`), unboxed: a series of `Double`s costs 8 bytes a tick, and a node
/// watched for a minute holds a minute, not an hour of empty slots.
public struct RingBuffer<Element>: RandomAccessCollection {
    private var storage: [Element] = []
    private var head = 0  // index in storage of the oldest element, once full
    /// The most elements held at once.
    public let capacity: Int

    /// Creates an empty buffer holding at most `capacity` elements (at least 1).
    public init(capacity: Int) {
        self.capacity = Swift.max(1, capacity)
    }

    /// How many elements are held.
    public var count: Int { storage.count }

    /// Position of the oldest element.
    public var startIndex: Int { 0 }
    /// One past the newest element.
    public var endIndex: Int { storage.count }

    /// The element at `position` (0 is the oldest).
    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < storage.count, "RingBuffer index out of range")
        let index = head + position
        return storage[index < storage.count ? index : index - storage.count]
    }

    /// Appends `element`, dropping the oldest one if full; returns the dropped element.
    @discardableResult
    public mutating func append(_ element: Element) -> Element? {
        guard storage.count == capacity else {
            // Grow by doubling (the array's own policy) up to the capacity, then stop.
            if storage.count == storage.capacity {
                storage.reserveCapacity(Swift.min(capacity, Swift.max(16, storage.count * 2)))
            }
            storage.append(element)
            return nil
        }
        let dropped = storage[head]
        storage[head] = element
        head = head + 1 == capacity ? 0 : head + 1
        return dropped
    }

    /// Removes every element and frees the storage.
    public mutating func removeAll() {
        storage = []
        head = 0
    }

    /// The last `n` elements, oldest first.
    public func suffix(last n: Int) -> [Element] {
        let n = Swift.min(Swift.max(0, n), count)
        return (count - n..<count).map { self[$0] }
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
