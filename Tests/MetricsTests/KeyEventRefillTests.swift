import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

/// Where overwrites are published (Redis 8.2+), an overwrite soon after its key went missing is
/// a refill race, told apart from a writer's update.
@Suite("Refill races among keyspace events")
struct KeyEventRefillTests {
    @Test(
        "an overwrite within 5 s of its key's miss, expiry, eviction or deletion is a refill; later, or unannounced, it is not"
    )
    func refills() throws {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let counter = KeyEventCounter(now: clock.now, clock: clock)
        counter.restart(now: clock.now)
        func key(_ text: String) -> [UInt8] { Array(text.utf8) }
        // Overwrites seen once: from now on keys' absences are remembered (the first 5 s are
        // a grace, see below).
        counter.record(.overwritten, key: key("price:0"))
        clock.advance(by: 6)
        _ = counter.take(now: clock.now)
        // Two readers miss price:1 and both write it back: the second write overwrites the first.
        counter.record(.keymiss, key: key("price:1"))
        counter.record(.keymiss, key: key("price:1"))
        clock.advance(by: 1.5)
        counter.record(.overwritten, key: key("price:1"))
        // Evicted, refilled twice 3 s later.
        counter.record(.evicted, key: key("price:2"))
        clock.advance(by: 3)
        counter.record(.overwritten, key: key("price:2"))
        // A writer updating a key that has been there all along.
        counter.record(.overwritten, key: key("price:3"))
        // Missed long ago: a later overwrite is the writer's.
        counter.record(.keymiss, key: key("stock:1"))
        clock.advance(by: 6)
        counter.record(.overwritten, key: key("stock:1"))
        let tally = try #require(counter.take(now: clock.now))
        #expect(tally.refills == ["price:*": 2])
        #expect(tally.counts["price:*"]?[.overwritten] == 3 && tally.counts["stock:*"]?[.overwritten] == 1)
        #expect(counter.take(now: clock.now)?.refills.isEmpty == true, "taken once")
    }

    @Test(
        "in the first 5 s of remembering, an overwrite of a key with no absence remembered is not the writer's; later it is"
    )
    func startUnknowable() throws {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let counter = KeyEventCounter(now: clock.now, clock: clock)
        counter.restart(now: clock.now)
        func key(_ text: String) -> [UInt8] { Array(text.utf8) }
        // Readers missed price:1 before anything was remembered; their writes come now.
        counter.record(.overwritten, key: key("price:1"))
        clock.advance(by: 2)
        counter.record(.overwritten, key: key("price:1"))
        #expect(try #require(counter.take(now: clock.now)).refills == ["price:*": 2])
        clock.advance(by: 4)
        counter.record(.overwritten, key: key("price:2"))  // 6 s in: a writer's update
        #expect(try #require(counter.take(now: clock.now)).refills.isEmpty)
        // A new subscription: events in between were not seen — the same grace again.
        counter.restart(now: clock.now)
        clock.advance(by: 1)
        counter.record(.overwritten, key: key("price:3"))
        #expect(try #require(counter.take(now: clock.now)).refills == ["price:*": 1])
    }

    @Test(
        "under a storm of absences — 4,000 keys missed in one second — every key's refill is still told, within the window"
    )
    func refillsUnderLoad() throws {
        let clock = VirtualWallClock(Date(timeIntervalSince1970: 1_800_000_000))
        let counter = KeyEventCounter(now: clock.now, clock: clock)
        counter.restart(now: clock.now)
        counter.record(.overwritten, key: Array("price:first".utf8))
        clock.advance(by: 6)
        _ = counter.take(now: clock.now)
        // Evictions of sessions interleaved with the misses, as on a node under pressure.
        for id in 0..<4_000 {
            counter.record(.keymiss, key: Array("price:\(id)".utf8))
            counter.record(.evicted, key: Array("session:\(id)".utf8))
            if id.isMultiple(of: 8) { clock.advance(by: 0.002) }
        }
        clock.advance(by: 1.5)
        for id in 0..<4_000 { counter.record(.overwritten, key: Array("price:\(id)".utf8)) }
        // A table of one entry per slot forgot one in twenty of them (8,000 absences over
        // 65,536 slots: some 240); sets of four forget one only when five of their keys go missing
        // together (about one key a run).
        let refilled = try #require(counter.take(now: clock.now)).refills["price:*"] ?? 0
        #expect(refilled >= 3_990, "\(refilled) of 4,000 told as refills")
    }
}
