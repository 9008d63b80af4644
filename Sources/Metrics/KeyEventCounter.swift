import Foundation
import Synchronization
import Telemetry

/// Counts a node's keyspace events per namespace as they arrive — constant work per event (a
/// hash of the key's shape; the namespace's name is made once, the first time it is seen), a
/// bounded table (namespaces past ``namespaceCap`` count as ``otherNamespace``), no key kept —
/// and hands the counts over per interval. Where overwrites are published (`o`, Redis 8.2+), an
/// overwrite soon after its key went missing is told apart as a refill race (a fixed table of
/// key hashes, no name kept).
public final class KeyEventCounter: Sendable {
    /// The counts of one interval.
    public struct Tally: Sendable, Equatable {
        /// Events per namespace and kind.
        public var counts: [String: [KeyEventKind: Int]]
        /// The interval: from the previous take (or the subscription) to this one.
        public var since: Date
        /// The end of the interval.
        public var until: Date
        /// Whether every event of the interval was received (the subscription held throughout).
        public var isComplete: Bool
        /// Events of each kind received since the counter was made, across subscriptions (what
        /// ``KeyEventLoss`` holds against the server's own counters).
        public var received: [KeyEventKind: Int]
        /// Evictions and expirations found lost in the interval (see ``KeyEventLoss``); `nil`
        /// when that cannot be known.
        public var lost: Int?
        /// Per namespace, the overwrites that were refill races: a key overwritten within
        /// ``KeyEventCounter/refillWindow`` of being missed, expired, evicted or deleted —
        /// readers that missed it together each wrote it back (counted in `counts` too) — and,
        /// in the window's first 5 s after a subscription (or the first overwrite seen), the
        /// overwrites of keys with no absence remembered: missed, perhaps, just before.
        public var refills: [String: Int]

        /// Creates a tally.
        public init(
            counts: [String: [KeyEventKind: Int]], since: Date, until: Date, isComplete: Bool,
            received: [KeyEventKind: Int] = [:], lost: Int? = 0, refills: [String: Int] = [:]
        ) {
            self.lost = lost
            self.refills = refills
            self.counts = counts
            self.since = since
            self.until = until
            self.isComplete = isComplete
            self.received = received
        }

        /// The events per second of `kind` per namespace over the interval.
        public func ratesPerSecond(_ kind: KeyEventKind) -> [String: Double] {
            let seconds = max(until.timeIntervalSince(since), 0.001)
            var rates: [String: Double] = [:]
            for (namespace, kinds) in counts { rates[namespace] = Double(kinds[kind] ?? 0) / seconds }
            return rates
        }

        /// All events of `kind` in the interval.
        public func total(_ kind: KeyEventKind) -> Int { counts.values.reduce(0) { $0 + ($1[kind] ?? 0) } }
    }

    /// Where namespaces past the cap are counted.
    public static let otherNamespace = "(other)"

    /// An overwrite this soon after its key was missed, expired, evicted or deleted is a refill
    /// race (readers that missed the key together each wrote it back), not an invalidation.
    public static let refillWindow: TimeInterval = 5

    /// Keys whose absence is remembered, in a fixed table (512 KB) so memory and work stay
    /// constant: sets of ``absenceWays`` entries chosen by the key's hash, a new key taking the
    /// place of its set's oldest. A key is forgotten only when four others of its set went
    /// missing after it — at a thousand absences a second, a chance in millions within the
    /// window (a one-entry slot lost one refill in a hundred at a few hundred a second, and
    /// counted it as the writer's).
    static let absenceSlots = 1 << 16

    /// Entries per set of the absence table.
    static let absenceWays = 4

    /// A row of zero counts, one per kind.
    private static let zeroRow = [Int](repeating: 0, count: KeyEventKind.allCases.count)

    private struct State {
        var slots: [UInt64: Int] = [:]
        var names: [String] = []
        var counts: [[Int]] = []
        /// The slot of ``KeyEventCounter/otherNamespace``, once the cap is reached.
        var otherSlot: Int?
        var since: Date
        var complete = true
        /// Whether events are being received (between a subscription and its end).
        var receiving = false
        /// Events per kind column since the counter was made.
        var received = KeyEventCounter.zeroRow
        /// Events found lost in the interval; `nil` when that cannot be known.
        var lost: Int? = 0
        /// Refill races per namespace slot in the interval.
        var refills: [Int] = []
        /// When each remembered key was last missed, expired, evicted or deleted: its hash's
        /// high 32 bits and the time in milliseconds since ``start`` (wrapping), packed; made
        /// once overwrites are published (the first one seen).
        var absences: [UInt64] = []
        /// When absences began to be remembered (the table made, or a new subscription: events
        /// in between were not seen), in the same milliseconds.
        var rememberedSince: UInt32 = 0
        var start: Date
    }

    /// How many namespaces are told apart.
    public let namespaceCap: Int
    private let state: Mutex<State>
    private let clock: any WallClock
    /// Whether an overwrite was ever seen: until then no key is hashed for refill races.
    private let overwritesSeen = Atomic<Bool>(false)

    /// Creates a counter; it counts from the first ``restart(now:)`` (a subscription). `clock`
    /// dates events, for the refill races.
    public init(namespaceCap: Int = 1000, now: Date, clock: any WallClock = .system) {
        self.namespaceCap = max(1, namespaceCap)
        self.clock = clock
        state = Mutex(State(since: now, start: now))
    }

    /// Counts one event of `kind` on `key`.
    public func record(_ kind: KeyEventKind, key: [UInt8]) {
        let fingerprint = NamespacePattern.fingerprint(of: key)
        let column = kind.index
        // Refill races need the key's own hash and the time, once overwrites are published.
        if kind == .overwritten { overwritesSeen.store(true, ordering: .relaxed) }
        let tracked = kind != .created && overwritesSeen.load(ordering: .relaxed)
        var hash = 0
        var milliseconds: UInt32 = 0
        if tracked {
            var hasher = Hasher()
            key.withUnsafeBytes { hasher.combine(bytes: $0) }
            hash = hasher.finalize()
            milliseconds = UInt32(truncatingIfNeeded: Int64(clock.now.timeIntervalSince1970 * 1000))
        }
        state.withLock { state in
            let slot: Int
            if let known = state.slots[fingerprint] {
                slot = known
            } else if state.names.count < namespaceCap {
                slot = state.names.count
                state.names.append(NamespacePattern.of(key))
                state.counts.append(Self.zeroRow)
                state.slots[fingerprint] = slot
            } else if let other = state.otherSlot {
                slot = other  // not remembered: the table stays bounded
            } else {
                slot = state.names.count
                state.names.append(Self.otherNamespace)
                state.counts.append(Self.zeroRow)
                state.otherSlot = slot
            }
            state.counts[slot][column] += 1
            state.received[column] += 1
            guard tracked else { return }
            if kind == .overwritten && state.absences.isEmpty {
                state.absences = [UInt64](repeating: 0, count: Self.absenceSlots)
                state.rememberedSince = milliseconds
            }
            guard !state.absences.isEmpty else { return }
            let check = UInt64(UInt32(truncatingIfNeeded: hash >> 32)) << 32
            // Milliseconds since an entry's time.
            func age(_ entry: UInt64) -> UInt32 { milliseconds &- UInt32(truncatingIfNeeded: entry) }
            let first = (hash & (Self.absenceSlots / Self.absenceWays - 1)) * Self.absenceWays
            let ways = first..<first + Self.absenceWays
            let match = ways.first { state.absences[$0] != 0 && state.absences[$0] & 0xFFFF_FFFF_0000_0000 == check }
            if kind == .overwritten {
                // Within the window's length of remembering's start, a key with no absence
                // remembered may have been missed just before: not told, so not the writer's.
                let refill =
                    match.map { Double(age(state.absences[$0])) <= Self.refillWindow * 1000 }
                    ?? (Double(milliseconds &- state.rememberedSince) <= Self.refillWindow * 1000)
                if refill {
                    while state.refills.count <= slot { state.refills.append(0) }
                    state.refills[slot] += 1
                }
            } else {
                // The key's own entry, else an empty one, else the set's oldest.
                let oldest = ways.max { age(state.absences[$0]) < age(state.absences[$1]) } ?? first
                let way = match ?? ways.first { state.absences[$0] == 0 } ?? oldest
                state.absences[way] = check | UInt64(milliseconds) | (check == 0 && milliseconds == 0 ? 1 : 0)
            }
        }
    }

    /// Stops the interval: nothing is received until ``restart(now:)`` (the subscription was
    /// lost, or the server publishes nothing); the interval's counts are incomplete.
    public func stop() {
        state.withLock { state in
            state.receiving = false
            state.complete = false
        }
    }

    /// Starts counting at `now` (a new subscription), dropping what was counted. The interval
    /// it is in — from the previous take, before the subscription — was not watched
    /// throughout: the first tally is incomplete (a gap), the next ones complete.
    public func restart(now: Date) {
        state.withLock { state in
            for index in state.counts.indices { state.counts[index] = Self.zeroRow }
            for index in state.refills.indices { state.refills[index] = 0 }
            state.since = now
            state.complete = false
            state.receiving = true
            if !state.absences.isEmpty {
                state.rememberedSince = UInt32(truncatingIfNeeded: Int64(clock.now.timeIntervalSince1970 * 1000))
            }
        }
    }

    /// Records what the subscriber found lost at a subscription (`nil`: cannot be known); it
    /// belongs to the interval being counted.
    public func recordLoss(_ lost: Int?) {
        state.withLock { state in
            if let lost { state.lost = (state.lost ?? 0) + lost } else { state.lost = nil }
        }
    }

    /// The counts since the last take (namespaces with no event left out), and a new interval;
    /// `nil` while nothing is received (no subscription).
    public func take(now: Date) -> Tally? {
        state.withLock { state -> Tally? in
            guard state.receiving else { return nil }
            var counts: [String: [KeyEventKind: Int]] = [:]
            for (slot, row) in state.counts.enumerated() where row != Self.zeroRow {
                var kinds: [KeyEventKind: Int] = [:]
                for kind in KeyEventKind.allCases where row[kind.index] > 0 {
                    kinds[kind] = row[kind.index]
                }
                counts[state.names[slot], default: [:]].merge(kinds, uniquingKeysWith: +)
                state.counts[slot] = Self.zeroRow
            }
            let received = Dictionary(
                uniqueKeysWithValues: KeyEventKind.allCases.map { ($0, state.received[$0.index]) })
            var refills: [String: Int] = [:]
            for (slot, count) in state.refills.enumerated() where count > 0 {
                refills[state.names[slot], default: 0] += count
                state.refills[slot] = 0
            }
            let tally = Tally(
                counts: counts, since: state.since, until: now, isComplete: state.complete, received: received,
                lost: state.lost, refills: refills)
            state.since = now
            state.complete = true
            state.lost = state.lost.map { _ in 0 }
            return tally
        }
    }
}
