import Foundation
import Synchronization
import Telemetry

/// Counts a node's keyspace events per namespace as they arrive — constant work per event (a
/// hash of the key's shape; the namespace's name is made once, the first time it is seen), a
/// bounded table (namespaces past ``namespaceCap`` count as ``otherNamespace``), no key kept —
/// and hands the counts over per interval.
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

        /// Creates a tally.
        public init(
            counts: [String: [KeyEventKind: Int]], since: Date, until: Date, isComplete: Bool,
            received: [KeyEventKind: Int] = [:], lost: Int? = 0
        ) {
            self.lost = lost
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
    }

    /// How many namespaces are told apart.
    public let namespaceCap: Int
    private let state: Mutex<State>

    /// Creates a counter; it counts from the first ``restart(now:)`` (a subscription).
    public init(namespaceCap: Int = 1000, now: Date) {
        self.namespaceCap = max(1, namespaceCap)
        state = Mutex(State(since: now))
    }

    /// Counts one event of `kind` on `key`.
    public func record(_ kind: KeyEventKind, key: [UInt8]) {
        let fingerprint = NamespacePattern.fingerprint(of: key)
        let column = kind.index
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
            state.since = now
            state.complete = false
            state.receiving = true
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
            let tally = Tally(
                counts: counts, since: state.since, until: now, isComplete: state.complete, received: received,
                lost: state.lost)
            state.since = now
            state.complete = true
            state.lost = state.lost.map { _ in 0 }
            return tally
        }
    }
}
