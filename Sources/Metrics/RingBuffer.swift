/// A fixed-capacity FIFO: appending to a full buffer drops the oldest element.
///
/// Indices run from 0 (oldest) to `count - 1` (newest). Storage is allocated once.
public struct RingBuffer<Element>: RandomAccessCollection {
    private var storage: [Element?]
    private var head = 0  // index in storage of the oldest element
    /// How many elements are held.
    public private(set) var count = 0

    /// Creates an empty buffer holding at most `capacity` elements (at least 1).
    public init(capacity: Int) {
        storage = Array(repeating: nil, count: Swift.max(1, capacity))
    }

    /// The most elements held at once.
    public var capacity: Int { storage.count }

    /// Position of the oldest element.
    public var startIndex: Int { 0 }
    /// One past the newest element.
    public var endIndex: Int { count }

    /// The element at `position` (0 is the oldest).
    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "RingBuffer index out of range")
        // Every slot below `count` was written, so the optional is always set here.
        guard let element = storage[(head + position) % storage.count] else {
            preconditionFailure("RingBuffer slot unexpectedly empty")
        }
        return element
    }

    /// Appends `element`, dropping the oldest one if full; returns the dropped element.
    @discardableResult
    public mutating func append(_ element: Element) -> Element? {
        if count < storage.count {
            storage[(head + count) % storage.count] = element
            count += 1
            return nil
        }
        let dropped = storage[head]
        storage[head] = element
        head = (head + 1) % storage.count
        return dropped
    }

    /// Removes every element, keeping the storage.
    public mutating func removeAll() {
        for index in storage.indices { storage[index] = nil }
        head = 0
        count = 0
    }

    /// The last `n` elements, oldest first.
    public func suffix(last n: Int) -> [Element] {
        let n = Swift.min(Swift.max(0, n), count)
        return (count - n..<count).map { self[$0] }
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
