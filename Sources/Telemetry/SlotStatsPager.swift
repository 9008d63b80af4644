/// Which slots the next `CLUSTER SLOT-STATS SLOTSRANGE` asks for: a node's slots are read a page
/// at a time, so that no call costs the server more than about half a millisecond (1,024 slots:
/// 355–546 µs on a million keys; all of a primary's 5,461 slots in one call take 1.9 ms, all
/// 16,384 of a lone primary 6.7 ms — measured on Redis 8.2, see BENCHMARKS.md).
///
/// Pages walk the whole slot space in order, each range ending once it holds ``pageSize`` slots
/// the node owned at the last reading (or not read yet). Slots of other nodes inside a range
/// cost the server next to nothing (2 µs for 1,024) and are asked for anyway: a slot migrated to
/// the node shows up in the next cycle.
public struct SlotStatsPager: Sendable {
    /// Slots per page that the node owns.
    public let pageSize: Int
    /// Per slot: whether the node returned it when it was last asked (`true` before that).
    private var owned = [Bool](repeating: true, count: SlotStatsEntry.slotCount)
    private var cursor = 0
    /// Pages that ended a cycle (reached slot 16383) so far.
    public private(set) var cycles = 0

    /// Creates a pager at slot 0.
    public init(pageSize: Int = 1024) {
        self.pageSize = max(1, pageSize)
    }

    /// The next range to ask for.
    public func nextRange() -> ClosedRange<Int> {
        var end = cursor
        var counted = owned[end] ? 1 : 0
        while end < SlotStatsEntry.slotCount - 1 && counted < pageSize {
            end += 1
            if owned[end] { counted += 1 }
        }
        return cursor...end
    }

    /// Notes what the server returned for `range` and moves on to the next page.
    public mutating func record(_ range: ClosedRange<Int>, returned slots: some Sequence<Int>) {
        let clamped = max(0, range.lowerBound)...min(SlotStatsEntry.slotCount - 1, range.upperBound)
        for slot in clamped { owned[slot] = false }
        for slot in slots where clamped.contains(slot) { owned[slot] = true }
        if clamped.upperBound >= SlotStatsEntry.slotCount - 1 {
            cursor = 0
            cycles += 1
        } else {
            cursor = clamped.upperBound + 1
        }
    }

    /// Slots the node returned when last asked (all of them before a cycle is read).
    public var ownedCount: Int { owned.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
