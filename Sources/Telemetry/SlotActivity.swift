import Foundation

/// A node's hash slots as `CLUSTER SLOT-STATS` pages report them (see ``SlotStatsPager``): the
/// keys of each slot, and — where the server keeps them (`cluster-slot-stats-enabled yes`) —
/// the CPU and network bytes per second each slot took between its last two readings. The
/// counters are cumulative, so a slot's rate is the change between two pages that held it; a
/// counter that went down (a restart, `CONFIG RESETSTAT`, the slot migrated away and back)
/// starts over. cachewatch's own commands on a slot's keys (the sampler's, the key-life
/// tracker's: ``OwnSlotWork``) are taken out — their request bytes exactly, their CPU at the
/// server's mean cost of those commands (`INFO commandstats`) — so that a quiet cluster's
/// hottest slots are the application's, not the ones we happened to sample. (Reply bytes keep
/// ours: a few bytes per command, integers and type names.)
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
        /// The CPU our own commands on the slot's keys took (estimated), taken out of
        /// ``cpuMicrosecondsPerSecond``; `nil` when we sent none or without CPU figures.
        public var ownCpuMicrosecondsPerSecond: Double?

        /// Creates a slot's figures.
        public init(
            slot: Int, keys: Int64, cpuMicrosecondsPerSecond: Double? = nil, networkBytesInPerSecond: Double? = nil,
            networkBytesOutPerSecond: Double? = nil, cpuShare: Double? = nil, ownCpuMicrosecondsPerSecond: Double? = nil
        ) {
            self.slot = slot
            self.keys = keys
            self.cpuMicrosecondsPerSecond = cpuMicrosecondsPerSecond
            self.networkBytesInPerSecond = networkBytesInPerSecond
            self.networkBytesOutPerSecond = networkBytesOutPerSecond
            self.cpuShare = cpuShare
            self.ownCpuMicrosecondsPerSecond = ownCpuMicrosecondsPerSecond
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
        /// The CPU our own commands took on all the node's slots (estimated, and taken out of
        /// their figures), in microseconds per second; `nil` when we sent none.
        public var ownCpuMicrosecondsPerSecond: Double?

        /// Creates a ranking.
        public init(
            slots: [Slot], cpuMicrosecondsPerSecond: Double?, keepsTraffic: Bool, ownedSlots: Int, isComplete: Bool
        ) {
            self.slots = slots
            self.cpuMicrosecondsPerSecond = cpuMicrosecondsPerSecond
            self.keepsTraffic = keepsTraffic
            self.ownedSlots = ownedSlots
            self.isComplete = isComplete
            ownCpuMicrosecondsPerSecond = nil
        }
    }

    private struct Reading {
        var entry: SlotStatsEntry
        var time: Double
        /// Our commands on the slot's keys so far, when the page was read.
        var own: OwnSlotWork.Counts
        /// Our CPU and request bytes counted (as sent) before the server ran them: taken out
        /// of the next interval, where the server counts them (at most one interval's worth).
        var ownCPUAhead = 0.0
        var ownBytesAhead = 0.0
        var cpuRate: Double?
        var ownCpuRate: Double?
        var inRate: Double?
        var outRate: Double?
    }

    /// The CPU of one of our key commands when the server has not told its mean yet, in
    /// microseconds (TYPE, PTTL and OBJECT take about 1 µs on the machines measured).
    public static let defaultOwnCommandMicroseconds = 1.0

    /// How many slots each ranking keeps.
    public static let rankedCount = 10

    private var slots: [Int: Reading] = [:]
    private var pager = SlotStatsPager()
    private var keepsTraffic = false

    /// Creates an activity with nothing read.
    public init() {}

    /// The range the next page asks for.
    public var nextRange: ClosedRange<Int> { pager.nextRange() }

    /// Takes one page: the slots the server returned for `range`, read at `time`; `own` is our
    /// work on those slots so far (``OwnSlotWork/counts(in:)``, read after the page), and
    /// `ownCommandMicroseconds` the server's mean CPU of one of our commands.
    public mutating func record(
        _ entries: [SlotStatsEntry], for range: ClosedRange<Int>, at time: Date,
        own: [Int: OwnSlotWork.Counts] = [:], ownCommandMicroseconds: Double = defaultOwnCommandMicroseconds
    ) {
        let now = time.timeIntervalSince1970
        let returned = Set(entries.map(\.slot))
        for slot in range where !returned.contains(slot) { slots[slot] = nil }
        for entry in entries where range.contains(entry.slot) {
            if entry.cpuMicroseconds != nil { keepsTraffic = true }
            var reading = Reading(entry: entry, time: now, own: own[entry.slot] ?? OwnSlotWork.Counts())
            if let previous = slots[entry.slot], now > previous.time {
                let seconds = now - previous.time
                // Ours since the last reading (none if our count started over: not subtracted).
                let ownCommands = max(0, reading.own.commands - previous.own.commands)
                let ownBytes = max(0, reading.own.requestBytes - previous.own.requestBytes)
                // The interval's figure less ours; ours not yet run by the server (sent just
                // before the page was read) go to the next interval instead of vanishing.
                func rate(_ value: Int64?, _ before: Int64?, less ours: Double, ahead: inout Double) -> Double? {
                    guard let value, let before, value >= before else { return nil }
                    let left = Double(value - before) - ours
                    ahead = min(max(0, -left), ours)
                    return max(0, left) / seconds
                }
                let ownCPU = Double(ownCommands) * ownCommandMicroseconds
                reading.cpuRate = rate(
                    entry.cpuMicroseconds, previous.entry.cpuMicroseconds, less: ownCPU + previous.ownCPUAhead,
                    ahead: &reading.ownCPUAhead)
                if reading.cpuRate != nil, ownCommands > 0 { reading.ownCpuRate = ownCPU / seconds }
                reading.inRate = rate(
                    entry.networkBytesIn, previous.entry.networkBytesIn,
                    less: Double(ownBytes) + previous.ownBytesAhead,
                    ahead: &reading.ownBytesAhead)
                var none = 0.0
                reading.outRate = rate(
                    entry.networkBytesOut, previous.entry.networkBytesOut, less: 0, ahead: &none)
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
                cpuShare: reading.cpuRate.flatMap { rate in total.flatMap { $0 > 0 ? rate / $0 : nil } },
                ownCpuMicrosecondsPerSecond: reading.ownCpuRate)
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
        var ranking = Ranking(
            slots: chosen, cpuMicrosecondsPerSecond: measured ? total : nil, keepsTraffic: keepsTraffic,
            ownedSlots: slots.count, isComplete: pager.cycles >= 2)
        let own = slots.values.compactMap(\.ownCpuRate)
        ranking.ownCpuMicrosecondsPerSecond = own.isEmpty ? nil : own.reduce(0, +)
        return ranking
    }
}
