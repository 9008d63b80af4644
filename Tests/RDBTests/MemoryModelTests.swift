import TestSupport
import Testing

@testable import RDB

/// The memory model's pieces that do not need a server: which layout a dump's aux fields name,
/// the allocators' sizes, and how the layouts part on the same value.
@Suite("RDB memory model", .sameOnEveryServer)
struct MemoryModelTests {
    @Test("the layout comes from redis-ver or valkey-ver, Redis 7.0's when neither says")
    func layoutFromAux() {
        #expect(ServerLayout(aux: ["redis-ver": "6.2.14"]) == .redis6)
        #expect(ServerLayout(aux: ["redis-ver": "5.0.7"]) == .redis6)
        #expect(ServerLayout(aux: ["redis-ver": "7.0.15"]) == .redis7)
        #expect(ServerLayout(aux: ["redis-ver": "7.2.4"]) == .redis72)
        #expect(ServerLayout(aux: ["redis-ver": "7.4.1"]) == .redis72)
        #expect(ServerLayout(aux: ["redis-ver": "8.2.3"]) == .redis8)
        #expect(ServerLayout(aux: ["redis-ver": "8.6.0"]) == .redis8)
        // Valkey writes both; its own wins.
        #expect(ServerLayout(aux: ["redis-ver": "7.2.4", "valkey-ver": "8.1.8"]) == .valkey8)
        #expect(ServerLayout(aux: ["valkey-ver": "7.2.5"]) == .redis72)
        #expect(ServerLayout(aux: [:]) == .redis7)
        #expect(ServerLayout(aux: ["redis-ver": "garbage"]) == .redis7)
    }

    @Test("INFO's mem_allocator names the allocator; each rounds as it does")
    func allocators() {
        #expect(Allocator(infoField: "jemalloc-5.3.0") == .jemalloc)
        #expect(Allocator(infoField: "libc") == .libc)
        #expect(Allocator(infoField: "tcmalloc-2.0") == nil)
        #expect(
            [1, 8, 9, 57, 65, 129, 200, 5_000].map { Allocator.jemalloc.allocation($0) } == [
                8, 8, 16, 64, 80, 160, 224, 5_120,
            ])
        #expect([1, 24, 25, 40, 41, 100].map { Allocator.libc.allocation($0) } == [24, 24, 40, 40, 56, 104])
        #expect(Allocator.jemalloc.allocation(0) == 0 && Allocator.libc.allocation(-3) == 0)
    }

    @Test("the same short string: a dict entry and an object apart on Redis 7, one object on Redis 8")
    func layoutsPart() {
        var shape = ValueShape(memory: MemoryModel(layout: .redis7))
        shape.length = 10
        // "user:1" and ten bytes: key sds 8 + entry 24, embedded string 16+3+10+1 → 32.
        #expect(MemoryModel(layout: .redis7).estimate(encoding: .string, shape: shape, keyLength: 6) == 64)
        // One allocation: object 16, a byte, key sds 8, value 14 → 39 → 40.
        #expect(MemoryModel(layout: .redis8).estimate(encoding: .string, shape: shape, keyLength: 6) == 40)
        // …and 8 more for the expiry stored in it.
        #expect(
            MemoryModel(layout: .redis8).estimate(encoding: .string, shape: shape, keyLength: 6, hasExpiry: true) == 48)
        // A short list is one listpack from 7.2 on, a quicklist before.
        var list = ValueShape(memory: MemoryModel(layout: .redis7))
        (list.length, list.blobs, list.blobBytes) = (3, 1, 30)
        let quicklist = MemoryModel(layout: .redis7).estimate(encoding: .listQuicklist2, shape: list, keyLength: 6)
        let listpack = MemoryModel(layout: .redis72).estimate(encoding: .listQuicklist2, shape: list, keyLength: 6)
        #expect(quicklist - listpack == 40 + 32)
    }

    @Test("Valkey's table: a bucket per seven entries and children for what overflows")
    func valkeyTable() {
        let model = MemoryModel(layout: .valkey8, allocator: .libc)
        // 1,000 entries: 256 buckets and a few children; 5,000: 1,024 and about an eighth more.
        let thousand: ClosedRange<Int64> = 16_488...17_512
        let fiveThousand: ClosedRange<Int64> = 71_680...75_880
        #expect(thousand.contains(model.valkeyTable(1_000)))
        #expect(fiveThousand.contains(model.valkeyTable(5_000)))
        #expect(model.valkeyTable(0) == 104)
    }
}
