/// A namespace sample's records by key hash: an open-addressing table (linear probing, at most
/// half full) over the hash's low bits. The key hashes are uniform already — sample membership
/// reads their high bits — so a record is placed with no further hashing, where a `Dictionary`
/// would run `Hasher` for every key recorded. A probe reads only the dense array of hashes (0
/// marks an empty slot; a key hashing to 0 is filed under 1, a merge of two keys with a chance
/// of 2^-63); the record is touched once found. Records leave one by one (backward-shift
/// deletion) or in bulk (``removeAll(where:)``: thinning, a pass's end, in one rebuild).
struct SampleRecords: Sendable {
    private var hashes: [UInt64]
    private var slots: [NamespaceSample.Record]
    /// Records held.
    private(set) var count = 0

    private static let unused = NamespaceSample.Record(expiresAt: 0, ttl: 0, memory: 0, pass: 0, bucket: 0)

    /// An empty table with room for `capacity` records before it grows.
    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        hashes = Array(repeating: 0, count: size)
        slots = Array(repeating: Self.unused, count: size)
    }

    /// The key a hash is filed under (never 0, the empty mark).
    @inline(__always)
    private static func key(_ hash: UInt64) -> UInt64 { hash == 0 ? 1 : hash }

    /// Puts `record` under `hash`; returns the record it replaced, if any.
    @inline(__always)
    mutating func upsert(_ hash: UInt64, _ record: NamespaceSample.Record) -> NamespaceSample.Record? {
        if (count + 1) * 2 > hashes.count { grow() }
        let key = Self.key(hash)
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let held = hashes[slot]
            if held == 0 { break }
            if held == key {
                let previous = slots[slot]
                slots[slot] = record
                return previous
            }
            slot = (slot + 1) & mask
        }
        hashes[slot] = key
        slots[slot] = record
        count += 1
        return nil
    }

    /// Removes the record under `hash`, if any, shifting back the records of its probe run so
    /// that every record stays reachable from its home slot.
    mutating func remove(_ hash: UInt64) {
        let key = Self.key(hash)
        let mask = hashes.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while hashes[slot] != key {
            if hashes[slot] == 0 { return }
            slot = (slot + 1) & mask
        }
        var hole = slot
        var next = (hole + 1) & mask
        while hashes[next] != 0 {
            let home = Int(truncatingIfNeeded: hashes[next]) & mask
            // The record at `next` may fill the hole unless its home lies cyclically in (hole, next].
            if (hole - home) & mask < (next - home) & mask {
                hashes[hole] = hashes[next]
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        hashes[hole] = 0
        count -= 1
    }

    private mutating func grow() {
        var larger = SampleRecords(capacity: hashes.count)
        for slot in hashes.indices where hashes[slot] != 0 { _ = larger.upsert(hashes[slot], slots[slot]) }
        self = larger
    }

    /// Removes the records `shouldBeRemoved` picks (by hash and record), in one rebuild.
    mutating func removeAll(where shouldBeRemoved: (UInt64, NamespaceSample.Record) -> Bool) {
        var kept = SampleRecords(capacity: count)
        for slot in hashes.indices where hashes[slot] != 0 && !shouldBeRemoved(hashes[slot], slots[slot]) {
            _ = kept.upsert(hashes[slot], slots[slot])
        }
        self = kept
    }

    /// The records, in no particular order.
    var values: some Sequence<NamespaceSample.Record> {
        zip(hashes, slots).lazy.filter { $0.0 != 0 }.map(\.1)
    }
}
