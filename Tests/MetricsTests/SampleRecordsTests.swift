import Testing

@testable import Metrics

/// The namespace sample's record table against a `Dictionary` doing the same: inserts,
/// replacements, single removals (whose backward shifts must keep every record reachable) and
/// bulk removals, with hashes crowded into few home slots so that probe runs are long and wrap.
@Suite("Sample records")
struct SampleRecordsTests {
    @Test("the table holds what a dictionary holds, through growth, removals and wrapping probe runs")
    func matchesDictionary() {
        var generator = SplitMix(seed: 7)
        for (crowding, steps) in [(UInt64(0), 20_000), (0xFF0, 6_000)] {
            var table = SampleRecords()
            var reference: [UInt64: NamespaceSample.Record] = [:]
            for step in 0..<steps {
                // Bits 4–11 set when crowding: 16 homes at the end of every 4,096 slots, so long
                // runs, and the last block's wrap past the table's end.
                let hash = generator.next() | crowding
                let record = NamespaceSample.Record(
                    expiresAt: Int64(step), ttl: Int64(step % 7), memory: 1, pass: 0, bucket: UInt8(step % 5))
                switch generator.next() % 10 {
                case 0..<6:
                    #expect(
                        table.upsert(hash, record)?.expiresAt == reference.updateValue(record, forKey: hash)?.expiresAt)
                case 6..<9:
                    // Remove a present key most of the time.
                    let victim = reference.keys.randomElement(using: &generator) ?? hash
                    table.remove(victim)
                    reference.removeValue(forKey: victim)
                default:
                    let cut = generator.next()
                    table.removeAll { key, _ in key < cut / 4 }
                    reference = reference.filter { $0.key >= cut / 4 }
                }
                if step % 997 == 0 || crowding != 0 && step % 101 == 0 {
                    #expect(table.count == reference.count)
                    #expect(Set(table.values.map(\.expiresAt)) == Set(reference.values.map(\.expiresAt)))
                    // Every record is found again where it is (a replacement, not a new record).
                    for (key, value) in reference.prefix(50) {
                        #expect(table.upsert(key, value)?.expiresAt == value.expiresAt)
                    }
                }
            }
        }
    }
}

/// A small deterministic generator for the tests.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
