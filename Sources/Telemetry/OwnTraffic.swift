import Synchronization

/// cachewatch's own load on a server from its other connections (the key sampler): commands
/// and key lookups. `TYPE`, `PTTL`, `OBJECT` and the length commands count as keyspace hits or
/// misses on the server, so without this the sampler would raise the hit ratio it reports.
/// The sampler adds; the poller reads the totals at each poll, and rates subtract them.
public final class OwnTraffic: Sendable {
    /// Running totals since this object was created.
    public struct Counts: Sendable, Hashable {
        /// Commands the server has executed for us.
        public var commands: Int64 = 0
        /// Our lookups that found their key.
        public var hits: Int64 = 0
        /// Our lookups that did not.
        public var misses: Int64 = 0

        /// Creates totals.
        public init(commands: Int64 = 0, hits: Int64 = 0, misses: Int64 = 0) {
            self.commands = commands
            self.hits = hits
            self.misses = misses
        }
    }

    private let counts = Mutex(Counts())

    /// Creates zero totals.
    public init() {}

    /// The totals now.
    public var current: Counts { counts.withLock { $0 } }

    /// Adds executed commands and lookups (call when their replies have arrived).
    public func add(commands: Int, hits: Int = 0, misses: Int = 0) {
        counts.withLock {
            $0.commands += Int64(commands)
            $0.hits += Int64(hits)
            $0.misses += Int64(misses)
        }
    }
}
