import Metrics
import Testing

@Suite("Ring buffer")
struct RingBufferTests {
    @Test("keeps the newest elements in order once full")
    func overwritesOldest() {
        var ring = RingBuffer<Int>(capacity: 3)
        #expect(ring.isEmpty)
        #expect(ring.append(1) == nil)
        ring.append(2)
        ring.append(3)
        #expect(Array(ring) == [1, 2, 3])
        #expect(ring.append(4) == 1)
        #expect(ring.append(5) == 2)
        #expect(Array(ring) == [3, 4, 5])
        #expect(ring.first == 3 && ring.last == 5)
        #expect(ring.count == 3 && ring.capacity == 3)
        #expect(ring.suffix(last: 2) == [4, 5])
        #expect(ring.suffix(last: 10) == [3, 4, 5])
        ring.removeAll()
        #expect(ring.isEmpty)
        ring.append(9)
        #expect(Array(ring) == [9])
    }

    @Test("wraps many times without losing order", arguments: [1, 2, 7, 3600])
    func wrapsManyTimes(capacity: Int) {
        var ring = RingBuffer<Int>(capacity: capacity)
        for value in 0..<(capacity * 5 + 3) { ring.append(value) }
        let end = capacity * 5 + 3
        #expect(Array(ring) == Array((end - capacity)..<end))
    }
}
