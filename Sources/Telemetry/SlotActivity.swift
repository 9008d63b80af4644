import Foundation

/// A node's hash slots as `CLUSTER SLOT-STATS` pages report them (see ``SlotStatsPager``): the
/// keys of each slot, and — where the server keeps them (`cluster-slot-stats-enabled yes`) —
/// the CPU and network bytes per second each slot took between its last two readings. The
/// counters are cumulative, so a slot's rate is the change between two pages that held it; a
/// counter that went down (a restart, `CONFIG RESETSTAT`, the slot migrated away and back)
/// starts over.
public struct SlotActivity: Sendable {
    /// One slot's latest figures.
    public struct Slot: Sendable, Hashable {
        /// The hash slot.
        public var slot: Int
        /// Keys in the slot at its last reading.
        public var keys: Int64
        /// Microseconds of command execution per second; `nil` until read twice, or not kept.
        public var cpuMicrosecondsPerSecond: Double?
        /// Request bytes per second; `nil` until read twice, or not kept.
        public var networkBytesInPerSecond: Double?
        /// Reply bytes per second; `nil` until read twice, or not kept.
        public var networkBytesOutPerSecond: Double?
        /// The slot's share of the CPU the node's slots took (0–1); `nil` without CPU figures.
        public var cpuShare: Double?

        /// Creates a slot's figures.
        public init(
            slot: Int, keys: Int64, cpuMicrosecondsPerSecond: Double? = nil, networkBytesInPerSecond: Double? = nil,
            networkBytesOutPerSecond: Double? = nil, cpuShare: Double? = nil
        ) {
            self.slot = slot
            self.keys = keys
            self.cpuMicrosecondsPerSecond = cpuMicrosecondsPerSecond
            self.networkBytesInPerSecond = networkBytesInPerSecond
            self.networkBytesOutPerSecond = networkBytesOutPerSecond
            self.cpuShare = cpuShare
        }

        /// Request and reply bytes per second together; `nil` without network figures.
        public var networkBytesPerSecond: Double? {
            guard let incoming = networkBytesInPerSecond, let outgoing = networkBytesOutPerSecond else { return nil }
            return incoming + outgoing
        }
    }

    /// The hottest slots of a node at one poll.
    public struct Ranking: Sendable, Hashable {
        /// The slots first by CPU, by network bytes or by keys (each ranking's first
        /// ``SlotActivity/rankedCount``), hottest by CPU first, then by network, then by keys.
        public var slots: [Slot]
        /// The CPU all the node's slots took, in microseconds per second; `nil` without CPU
        /// figures (`cluster-slot-stats-enabled no`) or before a slot was read twice.
        public var cpuMicrosecondsPerSecond: Double?
        /// Whether the server keeps CPU and network figures per slot.
        public var keepsTraffic: Bool
        /// Slots the node owns, as far as the pages read so far tell.
        public var ownedSlots: Int
        /// Whether every slot has been read twice (the rates cover all of them).
        public var isComplete: Bool

        /// Creates a ranking.
        public init(
            slots: [Slot], cpuMicrosecondsPerSecond: Double?, keepsTraffic: Bool, ownedSlots: Int, isComplete: Bool
        ) {
            self.slots = slots
            self.cpuMicrosecondsPerSecond = cpuMicrosecondsPerSecond
            self.keepsTraffic = keepsTraffic
            self.ownedSlots = ownedSlots
            self.isComplete = isComplete
        }
    }

    private struct Reading {
        var entry: SlotStatsEntry
        var time: Double
        var cpuRate: Double?
        var inRate: Double?
        var outRate: Double?
    }

    /// How many slots each ranking keeps.
    public static let rankedCount = 10

    private var slots: [Int: Reading] = [:]
    private var pager = SlotStatsPager()
    private var keepsTraffic = false

    /// Creates an activity with nothing read.
    public init() {}

    /// The range the next page asks for.
    public var nextRange: ClosedRange<Int> { pager.nextRange() }

    /// Takes one page: the slots the server returned for `range`, read at `time`.
    public mutating func record(_ entries: [SlotStatsEntry], for range: ClosedRange<Int>, at time: Date) {
        let now = time.timeIntervalSince1970
        let returned = Set(entries.map(\.slot))
        for slot in range where !returned.contains(slot) { slots[slot] = nil }
        for entry in entries where range.contains(entry.slot) {
            if entry.cpuMicroseconds != nil { keepsTraffic = true }
            var reading = Reading(entry: entry, time: now)
            if let previous = slots[entry.slot], now > previous.time {
                let seconds = now - previous.time
                func rate(_ value: Int64?, _ before: Int64?) -> Double? {
                    guard let value, let before, value >= before else { return nil }
                    return Double(value - before) / seconds
                }
                reading.cpuRate = rate(entry.cpuMicroseconds, previous.entry.cpuMicroseconds)
                reading.inRate = rate(entry.networkBytesIn, previous.entry.networkBytesIn)
                reading.outRate = rate(entry.networkBytesOut, previous.entry.networkBytesOut)
            }
            slots[entry.slot] = reading
        }
        pager.record(range, returned: returned)
    }

    /// The hottest slots now.
    public func ranking() -> Ranking {
        let total = keepsTraffic ? slots.values.compactMap(\.cpuRate).reduce(0, +) : nil
        let measured = slots.values.contains { $0.cpuRate != nil }
        func figures(_ reading: Reading) -> Slot {
            Slot(
                slot: reading.entry.slot, keys: reading.entry.keyCount, cpuMicrosecondsPerSecond: reading.cpuRate,
                networkBytesInPerSecond: reading.inRate, networkBytesOutPerSecond: reading.outRate,
                cpuShare: reading.cpuRate.flatMap { rate in total.flatMap { $0 > 0 ? rate / $0 : nil } })
        }
        // The first few of up to 16,384 slots, each poll: kept in place, not sorted whole.
        func top(by value: (Reading) -> Double?) -> [Reading] {
            var kept: [(reading: Reading, value: Double)] = []
            for reading in slots.values {
                guard let measure = value(reading), measure > 0 else { continue }
                let ahead = { (other: (reading: Reading, value: Double)) in
                    (other.value, reading.entry.slot) > (measure, other.reading.entry.slot)
                }
                let place = kept.firstIndex { !ahead($0) } ?? kept.count
                guard place < Self.rankedCount else { continue }
                kept.insert((reading, measure), at: place)
                if kept.count > Self.rankedCount { kept.removeLast() }
            }
            return kept.map(\.reading)
        }
        var chosen: [Slot] = []
        var seen = Set<Int>()
        let rankings = [
            top(by: \.cpuRate), top(by: { reading in reading.inRate.map { $0 + (reading.outRate ?? 0) } }),
            top(by: { Double($0.entry.keyCount) }),
        ]
        for reading in rankings.joined() where seen.insert(reading.entry.slot).inserted {
            chosen.append(figures(reading))
        }
        return Ranking(
            slots: chosen, cpuMicrosecondsPerSecond: measured ? total : nil, keepsTraffic: keepsTraffic,
            ownedSlots: slots.count, isComplete: pager.cycles >= 2)
    }
}
