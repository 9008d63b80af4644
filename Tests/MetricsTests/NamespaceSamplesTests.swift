import Testing

@testable import Metrics

/// The model's table of namespace samples against a `Dictionary` doing the same: growth past
/// its first 64 slots, replacement, removal one by one and in bulk (each a rebuild).
@Suite("Namespace samples")
struct NamespaceSamplesTests {
    @Test("the table finds what a dictionary finds through growth, replacement and removals")
    func matchesDictionary() {
        var table = NamespaceSamples()
        var reference: [UInt64: Int] = [:]
        func sample(_ marker: Int) -> NamespaceSample {
            var sample = NamespaceSample()
            for _ in 0..<marker {
                sample.tally.count(NamespaceSample.Record(expiresAt: 0, ttl: -1, memory: 1, pass: 0, bucket: 0))
            }
            return sample
        }
        // Fingerprints that differ only in their high bits, and ones alike in their low bits.
        let fingerprints = (1...255).map { UInt64($0) << 56 } + (1...300).map { UInt64($0) * 0x1_0000 }
        for (index, fingerprint) in fingerprints.enumerated() {
            table.insert(sample(index % 7 + 1), for: fingerprint)
            reference[fingerprint] = index % 7 + 1
        }
        for fingerprint in fingerprints.prefix(50) {
            table[fingerprint] = sample(9)
            reference[fingerprint] = 9
        }
        for fingerprint in fingerprints.suffix(40) {
            table[fingerprint] = nil
            reference[fingerprint] = nil
        }
        table.removeAll { fingerprint, _ in fingerprint % 3 == 0 }
        reference = reference.filter { $0.key % 3 != 0 }
        #expect(table.count == reference.count)
        for fingerprint in fingerprints {
            #expect(table[fingerprint]?.tally.keys == reference[fingerprint], "\(fingerprint)")
            #expect((table.position(of: fingerprint) != nil) == (reference[fingerprint] != nil))
        }
        #expect(table.position(of: 12345) == nil)
    }
}
