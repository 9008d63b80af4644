import RedisClient
import Synchronization

/// The commands cachewatch sends on keys (the sampler's TYPE, PTTL, MEMORY USAGE, OBJECT and
/// length commands; the key-life tracker's PTTL), per hash slot, as the sum since tracking
/// began: what `CLUSTER SLOT-STATS` counts in a slot's `cpu-usec` and `network-bytes-in` that
/// is ours. Kept only once a poller asks for it (a cluster node with slot statistics), so other
/// nodes never hash a key.
public final class OwnSlotWork: Sendable {
    /// One slot's totals.
    public struct Counts: Sendable, Hashable {
        /// Commands on the slot's keys.
        public var commands: Int64
        /// Their request bytes, as sent.
        public var requestBytes: Int64

        /// Creates totals.
        public init(commands: Int64 = 0, requestBytes: Int64 = 0) {
            self.commands = commands
            self.requestBytes = requestBytes
        }
    }

    private let tracking = Atomic<Bool>(false)
    /// Per slot, allocated when tracking starts.
    private let slots = Mutex<[Counts]>([])

    /// Creates work with nothing tracked.
    public init() {}

    /// Starts counting (idempotent).
    public func startTracking() {
        guard !tracking.load(ordering: .relaxed) else { return }
        slots.withLock { if $0.isEmpty { $0 = Array(repeating: Counts(), count: HashSlot.count) } }
        tracking.store(true, ordering: .releasing)
    }

    /// Whether commands are being counted per slot.
    public var isTracking: Bool { tracking.load(ordering: .acquiring) }

    /// Adds commands on keys as they are sent: for each key, how many commands and their bytes.
    public func add(_ work: [(key: [UInt8], commands: Int, bytes: Int)]) {
        guard isTracking, !work.isEmpty else { return }
        let slotted = work.map { (slot: HashSlot.of($0.key), commands: $0.commands, bytes: $0.bytes) }
        slots.withLock { slots in
            for item in slotted {
                slots[item.slot].commands += Int64(item.commands)
                slots[item.slot].requestBytes += Int64(item.bytes)
            }
        }
    }

    /// The totals of the slots in `range` that had any (none before tracking started).
    public func counts(in range: ClosedRange<Int>) -> [Int: Counts] {
        guard isTracking else { return [:] }
        return slots.withLock { slots in
            var counts: [Int: Counts] = [:]
            for slot in range where slots.indices.contains(slot) && slots[slot].commands > 0 {
                counts[slot] = slots[slot]
            }
            return counts
        }
    }
}
