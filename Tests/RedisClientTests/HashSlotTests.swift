import RedisClient
import Testing

/// Hash slots as the cluster specification defines them (the real cluster's `CLUSTER KEYSLOT`
/// agrees: see ClusterSlotStatsTests).
@Suite("Hash slots", .sameOnEveryServer)
struct HashSlotTests {
    @Test("CRC16/XMODEM of the key modulo 16,384; a hash tag's bytes only when the tag is not empty")
    func slots() {
        // The specification's check value: CRC16("123456789") = 0x31C3.
        #expect(HashSlot.of(Array("123456789".utf8)) == 0x31C3)
        #expect(HashSlot.of(Array("foo".utf8)) == 12_182)
        // The examples of CLUSTER KEYSLOT's documentation.
        #expect(HashSlot.of(Array("somekey".utf8)) == 11_058)
        #expect(HashSlot.of(Array("foo{hash_tag}".utf8)) == 2_515)
        #expect(HashSlot.of(Array("{user1000}.following".utf8)) == HashSlot.of(Array("user1000".utf8)))
        #expect(HashSlot.of(Array("foo{}{bar}".utf8)) == HashSlot.of(Array("foo{}{bar}".utf8)))
        #expect(HashSlot.of(Array("foo{}{bar}".utf8)) != HashSlot.of(Array("bar".utf8)), "an empty tag: the whole key")
        #expect(HashSlot.of(Array("foo{{bar}}zap".utf8)) == HashSlot.of(Array("{bar".utf8)))
        #expect(HashSlot.of(Array("foo{bar}{zap}".utf8)) == HashSlot.of(Array("bar".utf8)))
        #expect(HashSlot.of([]) == 0)
        #expect(HashSlot.of([0xFF, 0x00, 0x7B]) < HashSlot.count)
    }
}
