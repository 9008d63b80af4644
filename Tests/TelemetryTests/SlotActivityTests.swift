import Foundation
import NIOCore
import RESP
import Telemetry
import TestSupport
import Testing

/// `CLUSTER SLOT-STATS` replies, the pages that ask for them, and the rates made of them.
@Suite("slot stats: replies, pages, rates", .sameOnEveryServer)
struct SlotActivityTests {
    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    private func entry(_ slot: Int, keys: Int64 = 1, cpu: Int64? = nil, bytes: Int64? = nil) -> SlotStatsEntry {
        SlotStatsEntry(slot: slot, keyCount: keys, cpuMicroseconds: cpu, networkBytesIn: bytes, networkBytesOut: bytes)
    }

    @Test("RESP2 flat pairs and RESP3 maps read alike; key-count alone where traffic is not kept")
    func replies() throws {
        let resp2 = RESPValue.array([
            .integer(3273),
            .array([
                bulk("key-count"), .integer(1), bulk("cpu-usec"), .integer(100_449), bulk("network-bytes-in"),
                .integer(621_842), bulk("network-bytes-out"), .integer(35_800_012),
            ]),
        ])
        let read = try #require(SlotStatsEntry(reply: resp2))
        #expect(
            read
                == SlotStatsEntry(
                    slot: 3273, keyCount: 1, cpuMicroseconds: 100_449, networkBytesIn: 621_842,
                    networkBytesOut: 35_800_012))
        let resp3 = RESPValue.array([
            .integer(0), .map([RESPPair(key: bulk("key-count"), value: .integer(92_268))]),
        ])
        #expect(SlotStatsEntry(reply: resp3) == SlotStatsEntry(slot: 0, keyCount: 92_268))
        // A future field is read past.
        let future = RESPValue.array([
            .integer(5), .array([bulk("key-count"), .integer(2), bulk("memory-bytes"), .integer(4096)]),
        ])
        #expect(SlotStatsEntry(reply: future)?.keyCount == 2)
    }

    @Test(
        "hostile replies are dropped: slot out of range, negative or missing counts, odd fields, not numbers",
        arguments: [
            RESPValue.array([.integer(16_384), .array([.bulkString(ByteBuffer(string: "key-count")), .integer(1)])]),
            .array([.integer(-1), .array([.bulkString(ByteBuffer(string: "key-count")), .integer(1)])]),
            .array([.integer(1), .array([.bulkString(ByteBuffer(string: "key-count")), .integer(-4)])]),
            .array([.integer(1), .array([.bulkString(ByteBuffer(string: "cpu-usec")), .integer(4)])]),
            .array([.integer(1), .array([.bulkString(ByteBuffer(string: "key-count"))])]),
            .array([
                .integer(1),
                .array([.bulkString(ByteBuffer(string: "key-count")), .bulkString(ByteBuffer(string: "x"))]),
            ]),
            .array([.integer(1)]), .integer(7), .null,
            .array([.integer(1), .array(Array(repeating: .integer(1), count: 40))]),
        ])
    func hostile(reply: RESPValue) {
        #expect(SlotStatsEntry(reply: reply) == nil)
    }

    @Test("pages hold 1,024 owned slots; the other nodes' slots in between cost nothing and are asked again")
    func pages() {
        var pager = SlotStatsPager()
        // Nothing known: 1,024 slots a page.
        #expect(pager.nextRange() == 0...1023)
        // The node owns 0–5460 (a first primary of three).
        var cursor = pager.nextRange()
        while pager.cycles == 0 {
            pager.record(cursor, returned: cursor.filter { $0 <= 5460 })
            cursor = pager.nextRange()
        }
        #expect(pager.ownedCount == 5461)
        var ranges: [ClosedRange<Int>] = []
        repeat {
            ranges.append(cursor)
            pager.record(cursor, returned: cursor.filter { $0 <= 5460 })
            cursor = pager.nextRange()
        } while pager.cycles == 1
        // Five pages of 1,024 and the rest: the last takes the slots up to 16383 with it.
        #expect(ranges.count == 6)
        #expect(ranges.last == 5120...16383)
        #expect(ranges.dropLast().allSatisfy { $0.count == 1024 })
        // A slot migrated to the node lies in a range still asked for, and counts from then on.
        pager.record(5120...16383, returned: Array(5120...5460) + [9000])
        #expect(pager.ownedCount == 5462)
    }

    @Test("rates are the change between two readings of a slot; a counter that went down starts over")
    func rates() {
        var activity = SlotActivity()
        let start = Date(timeIntervalSince1970: 1000)
        activity.record(
            [entry(1, cpu: 100, bytes: 10), entry(2, keys: 50, cpu: 100, bytes: 10)], for: 0...16383, at: start)
        var ranking = activity.ranking()
        #expect(ranking.keepsTraffic && ranking.cpuMicrosecondsPerSecond == nil)
        // Key counts rank at once; rates after a second reading.
        #expect(ranking.slots.map(\.slot) == [2, 1])
        activity.record(
            [entry(1, cpu: 20_100, bytes: 1010), entry(2, keys: 50, cpu: 10_100, bytes: 10)], for: 0...16383,
            at: start.addingTimeInterval(2))
        ranking = activity.ranking()
        #expect(ranking.cpuMicrosecondsPerSecond == 15_000)
        let first = try? #require(ranking.slots.first)
        #expect(first?.slot == 1 && first?.cpuMicrosecondsPerSecond == 10_000 && first?.networkBytesPerSecond == 1000)
        #expect(abs((first?.cpuShare ?? 0) - 2.0 / 3) < 1e-9)
        // Slot 1 restarted from zero: no rate this time; slot 2 migrated away.
        activity.record([entry(1, cpu: 5)], for: 0...16383, at: start.addingTimeInterval(4))
        ranking = activity.ranking()
        #expect(ranking.slots.map(\.slot) == [1] && ranking.slots[0].cpuMicrosecondsPerSecond == nil)
        #expect(ranking.ownedSlots == 1 && ranking.cpuMicrosecondsPerSecond == nil)
    }

    @Test("without cluster-slot-stats-enabled: key counts only, no CPU share")
    func keysOnly() {
        var activity = SlotActivity()
        let start = Date(timeIntervalSince1970: 1000)
        activity.record((0..<30).map { entry($0, keys: Int64($0)) }, for: 0...16383, at: start)
        activity.record((0..<30).map { entry($0, keys: Int64($0)) }, for: 0...16383, at: start.addingTimeInterval(1))
        let ranking = activity.ranking()
        #expect(!ranking.keepsTraffic && ranking.cpuMicrosecondsPerSecond == nil)
        #expect(ranking.slots.count == SlotActivity.rankedCount)
        #expect(ranking.slots.first?.slot == 29 && ranking.slots.allSatisfy { $0.cpuShare == nil })
    }
}
