/// A namespace sample's records by key hash: an open-addressing table (linear probing, at most
/// half full) over the hash's low bits. The key hashes are uniform already — sample membership
/// reads their high bits — so a record is placed with no further hashing, where a `Dictionary`
/// would run `Hasher` for every key recorded. Records leave one by one (backward-shift
/// deletion) or in bulk (``removeAll(where:)``: thinning, a pass's end, in one rebuild).
struct SampleRecords: Sendable {
    private var hashes: [UInt64]
    private var slots: [NamespaceSample.Record]
    /// Records held.
    private(set) var count = 0

    /// A slot's mark while empty (no record has this bucket).
    private static let emptyBucket: UInt8 = 0xFF
    private static let empty = NamespaceSample.Record(expiresAt: 0, ttl: 0, memory: 0, pass: 0, bucket: emptyBucket)

    /// An empty table with room for `capacity` records before it grows.
    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        hashes = Array(repeating: 0, count: size)
        slots = Array(repeating: Self.empty, count: size)
    }

    /// Puts `record` under `hash`; returns the record it replaced, if any.
    @inline(__always)
    mutating func upsert(_ hash: UInt64, _ record: NamespaceSample.Record) -> NamespaceSample.Record? {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot].bucket != Self.emptyBucket {
            if hashes[slot] == hash {
                let previous = slots[slot]
                slots[slot] = record
                return previous
            }
            slot = (slot + 1) & mask
        }
        hashes[slot] = hash
        slots[slot] = record
        count += 1
        return nil
    }

    /// Removes the record under `hash`, if any, shifting back the records of its probe run so
    /// that every record stays reachable from its home slot.
    mutating func remove(_ hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != hash || slots[slot].bucket == Self.emptyBucket {
            if slots[slot].bucket == Self.emptyBucket { return }
            slot = (slot + 1) & mask
        }
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next].bucket != Self.emptyBucket {
            let home = Int(truncatingIfNeeded: hashes[next]) & mask
            // The record at `next` may fill the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToNext {
                hashes[hole] = hashes[next]
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = Self.empty
        count -= 1
    }

    private mutating func grow() {
        var larger = SampleRecords(capacity: slots.count)
        for slot in slots.indices where slots[slot].bucket != Self.emptyBucket {
            _ = larger.upsert(hashes[slot], slots[slot])
        }
        self = larger
    }

    /// Removes the records `shouldBeRemoved` picks (by hash and record), in one rebuild.
    mutating func removeAll(where shouldBeRemoved: (UInt64, NamespaceSample.Record) -> Bool) {
        var kept = SampleRecords(capacity: count)
        for slot in slots.indices where slots[slot].bucket != Self.emptyBucket {
            if !shouldBeRemoved(hashes[slot], slots[slot]) { _ = kept.upsert(hashes[slot], slots[slot]) }
        }
        self = kept
    }

    /// The records, in no particular order.
    var values: some Sequence<NamespaceSample.Record> {
        slots.lazy.filter { $0.bucket != Self.emptyBucket }
    }
}
