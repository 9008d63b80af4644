import RedisClient
import Synchronization

/// cachewatch's own load on a server from its other connections (the key sampler): commands
/// and key lookups. `TYPE`, `PTTL`, `OBJECT` and the length commands count as keyspace hits or
/// misses on the server, so without this the sampler would raise the hit ratio it reports.
/// The sampler adds; the poller reads the totals at each poll, and rates subtract them. The
/// keys our lookups missed are noted too, so that the keymiss events they make are not counted
/// as a namespace's misses.
public final class OwnTraffic: Sendable {
    /// Running totals since this object was created.
    public struct Counts: Sendable, Hashable {
        /// Commands the server has executed for us.
        public var commands: Int64 = 0
        /// Our lookups that found their key.
        public var hits: Int64 = 0
        /// Our lookups that did not.
        public var misses: Int64 = 0
        /// Error replies to our commands: refused ones (ACL, a renamed or unknown command), which
        /// never ran, and ones that ran and failed (`OBJECT FREQ` without an LFU policy) — the
        /// server counts both in `total_error_replies`.
        public var errors: Int64 = 0

        /// Creates totals.
        public init(commands: Int64 = 0, hits: Int64 = 0, misses: Int64 = 0, errors: Int64 = 0) {
            self.commands = commands
            self.hits = hits
            self.misses = misses
            self.errors = errors
        }
    }

    /// Our commands on keys per hash slot, counted on cluster nodes that keep slot statistics.
    public let slotWork = OwnSlotWork()

    private let counts = Mutex(Counts())
    private let missed = Mutex(MissedKeys())

    /// The keys our own lookups missed lately, and how many keymiss events each owes: the
    /// server publishes one per missed lookup (`m`), ours as well as the application's.
    private struct MissedKeys {
        /// By a hash of the key name (the name itself is not kept): events still to claim, and
        /// the number of the latest note, which ``order`` holds too.
        var owed: [Int: (events: Int, note: Int)] = [:]
        /// Notes in the order they were made, to forget the oldest past ``limit``; a key noted
        /// again is forgotten by its latest note only.
        var order: [(hash: Int, note: Int)] = []
        var head = 0
        var notes = 0
        /// Notes remembered at most: events arrive within milliseconds of the lookup, a missed
        /// key's are claimed long before 4,096 others were noted after it.
        static let limit = 4_096

        static func hash(_ key: [UInt8]) -> Int {
            var hasher = Hasher()
            key.withUnsafeBytes { hasher.combine(bytes: $0) }
            return hasher.finalize()
        }
    }

    /// Creates zero totals.
    public init() {}

    /// Takes back expected misses of lookups that found their key (no event will come).
    public func cancelMisses(_ lookupsByKey: [[UInt8]: Int]) {
        guard !lookupsByKey.isEmpty else { return }
        missed.withLock { missed in
            for (key, lookups) in lookupsByKey where lookups > 0 {
                let hash = MissedKeys.hash(key)
                guard let owed = missed.owed[hash] else { continue }
                missed.owed[hash] = owed.events > lookups ? (owed.events - lookups, owed.note) : nil
            }
        }
    }

    /// Notes, before they are sent, the lookups that publish a keymiss event if their key is
    /// gone (`TYPE`, `PTTL` and the length commands; `OBJECT` publishes none): the event can
    /// reach the subscription before the reply reaches us. Those that found their key are
    /// taken back with ``cancelMisses(_:)`` once the replies are read.
    public func expectMisses(_ lookupsByKey: [[UInt8]: Int]) {
        guard !lookupsByKey.isEmpty else { return }
        missed.withLock { missed in
            for (key, lookups) in lookupsByKey where lookups > 0 {
                let hash = MissedKeys.hash(key)
                missed.notes += 1
                missed.owed[hash] = ((missed.owed[hash]?.events ?? 0) + lookups, missed.notes)
                missed.order.append((hash, missed.notes))
            }
            while missed.order.count - missed.head > MissedKeys.limit {
                let oldest = missed.order[missed.head]
                if missed.owed[oldest.hash]?.note == oldest.note { missed.owed[oldest.hash] = nil }
                missed.head += 1
            }
            if missed.head > MissedKeys.limit {
                missed.order.removeFirst(missed.head)
                missed.head = 0
            }
        }
    }

    /// Whether a keymiss event for `key` was caused by our own lookup (then it is claimed: each
    /// noted miss answers for one event).
    public func claimMiss(_ key: [UInt8]) -> Bool {
        let hash = MissedKeys.hash(key)
        return missed.withLock { missed in
            guard let owed = missed.owed[hash] else { return false }
            missed.owed[hash] = owed.events > 1 ? (owed.events - 1, owed.note) : nil
            return true
        }
    }

    /// The totals now.
    public var current: Counts { counts.withLock { $0 } }

    /// Adds executed commands, lookups and error replies (call when their replies have arrived).
    public func add(commands: Int, hits: Int = 0, misses: Int = 0, errors: Int = 0) {
        counts.withLock {
            $0.commands += Int64(commands)
            $0.hits += Int64(hits)
            $0.misses += Int64(misses)
            $0.errors += Int64(errors)
        }
    }

    /// Counts the error reply to one of our commands: refused (ACL, a renamed or unknown
    /// command: it never ran, see ``refused(_:)``) or run and failed.
    public func add(errorReply error: RedisServerError) {
        if error.isRefusal { refused(1) } else { add(commands: 0, errors: 1) }
    }

    /// Takes back `count` commands added as sent that the server refused (ACL `NOPERM`, a
    /// renamed or unknown command): they never ran, so `total_commands_processed` left them out,
    /// but each made an error reply.
    public func refused(_ count: Int) {
        guard count > 0 else { return }
        counts.withLock {
            $0.commands -= Int64(count)
            $0.errors += Int64(count)
        }
    }
}
