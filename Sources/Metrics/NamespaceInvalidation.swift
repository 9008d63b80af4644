import Foundation
import Telemetry

/// How each namespace of a node is invalidated, from the ends of its keys' lives: only by expiry
/// (TTL-only: a value may be as stale as its TTL is long), by writes (deleted or overwritten
/// before expiry), or by eviction — with the age at the end against the TTL, and how sure that is
/// (keys tracked, ends seen).
///
/// Two sources. Tracked keys (``KeyLifeSchedule``, no server setting) are a sample: up to 20 keys
/// per namespace followed to their end. Keyspace events, where the server publishes expirations,
/// evictions and deletions (`notify-keyspace-events` with `x`, `e`, `g`), count every end of every
/// key; overwrites only where it publishes them too (`o`, Redis 8.2+). Where events count a
/// namespace's ends, their counts make the shares; tracked keys still give the ages, and the
/// overwrites events cannot show (a TTL that jumped up: written again).
public struct NamespaceInvalidation: Sendable {
    /// The verdict on a namespace.
    public enum Kind: String, Sendable, Hashable {
        /// Essentially every end is an expiry: values are replaced only when their TTL runs out.
        case ttlOnly = "TTL-only"
        /// Deletions or overwrites before expiry are seen: the writer invalidates.
        case invalidatedOnWrite = "invalidated on write"
        /// Not enough ends seen yet.
        case unknown
    }

    /// Where a namespace's shares come from.
    public enum Source: String, Sendable, Hashable {
        /// The keys tracked with `PTTL` (a sample).
        case trackedKeys = "tracked keys"
        /// Keyspace events (every key).
        case keyspaceEvents = "keyspace events"
    }

    /// Ends counted by one source.
    public struct Counts: Sendable, Hashable {
        /// Keys that ran their TTL out.
        public var expired = 0
        /// Keys deleted before their TTL ran out.
        public var deleted = 0
        /// Keys written again before their TTL ran out.
        public var overwritten = 0
        /// Keys evicted before their TTL ran out.
        public var evicted = 0

        /// Creates counts.
        public init(expired: Int = 0, deleted: Int = 0, overwritten: Int = 0, evicted: Int = 0) {
            self.expired = expired
            self.deleted = deleted
            self.overwritten = overwritten
            self.evicted = evicted
        }

        /// Every end counted.
        public var total: Int { expired + deleted + overwritten + evicted }
        /// Share of ends that were deletions or overwrites.
        public var invalidatedShare: Double { total > 0 ? Double(deleted + overwritten) / Double(total) : 0 }
        /// The ends the writer (or its TTLs) made: all but evictions.
        public var writerEnds: Int { expired + deleted + overwritten }
        /// Share of those that were deletions or overwrites.
        public var writerInvalidatedShare: Double {
            writerEnds > 0 ? Double(deleted + overwritten) / Double(writerEnds) : 0
        }
    }

    /// What was seen of one namespace.
    public struct Ends: Sendable, Hashable {
        /// The ends of its tracked keys.
        public var trackedEnds = Counts()
        /// The ends keyspace events counted (every key), while the server published expirations,
        /// evictions and deletions.
        public var eventEnds = Counts()
        /// Whether the events counted overwrites too (`o`, Redis 8.2+).
        public var eventsCountOverwrites = false
        /// The newest ages at the end as shares of the TTL (at most ``NamespaceInvalidation/ageSamples``).
        public var ageShares: [Double] = []
        /// The TTL keys are written with (the largest seen), in seconds.
        public var ttlSeconds: Double = 0
        /// Keys tracked now.
        public var trackedKeys = 0

        /// The source the shares come from: events once they counted ``NamespaceInvalidation/minimumEnds``
        /// ends, else the tracked keys.
        public var source: Source {
            eventEnds.total >= NamespaceInvalidation.minimumEnds ? .keyspaceEvents : .trackedKeys
        }
        /// The ends of ``source``.
        public var counts: Counts { source == .keyspaceEvents ? eventEnds : trackedEnds }

        /// Keys that ran their TTL out (from ``source``).
        public var expired: Int { counts.expired }
        /// Keys deleted before their TTL ran out (from ``source``).
        public var deleted: Int { counts.deleted }
        /// Keys written again before their TTL ran out (from ``source``).
        public var overwritten: Int { counts.overwritten }
        /// Keys evicted (from ``source``).
        public var evicted: Int { counts.evicted }
        /// Every end seen (from ``source``).
        public var total: Int { counts.total }
        /// Share of ends that were deletions or overwrites (from ``source``).
        public var invalidatedShare: Double { counts.invalidatedShare }

        /// Whether enough ends show what the writer does (expiries, deletions, overwrites —
        /// evictions are the cache's doing and tell nothing of it) for a verdict.
        var hasVerdict: Bool { counts.writerEnds >= NamespaceInvalidation.minimumEnds }

        /// Whether the writer invalidates: deletions and overwrites make at least
        /// ``NamespaceInvalidation/invalidatedThreshold`` of the ends that show what it does —
        /// or, where events cannot show overwrites, of the tracked keys' such ends.
        var isInvalidatedOnWrite: Bool {
            if counts.writerInvalidatedShare >= NamespaceInvalidation.invalidatedThreshold { return true }
            guard source == .keyspaceEvents, !eventsCountOverwrites,
                trackedEnds.writerEnds >= NamespaceInvalidation.minimumEnds
            else { return false }
            return trackedEnds.writerInvalidatedShare >= NamespaceInvalidation.invalidatedThreshold
        }

        /// The `quantile` (0…1) of the ages at the end, as a share of the TTL.
        public func ageShare(quantile: Double) -> Double? {
            guard !ageShares.isEmpty else { return nil }
            let sorted = ageShares.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * quantile).rounded()))]
        }
    }

    /// Ends needed before a verdict (expiries, deletions and overwrites: evictions do not count).
    public static let minimumEnds = 5
    /// Deletions and overwrites above this share of those ends: invalidated on write.
    public static let invalidatedThreshold = 0.1
    /// The ages kept per namespace.
    public static let ageSamples = 200

    /// Per namespace, what was seen.
    public private(set) var namespaces: [String: Ends] = [:]

    /// Creates an empty record.
    public init() {}

    /// Adds the ends of a round of checks. `evicting(namespace, from, to)` tells whether the
    /// namespace (keyspace events) or at least the node (its eviction counter) evicted keys in
    /// that span: a key removed early then counts as evicted, else as deleted.
    public mutating func add(
        _ ends: [KeyLifeSchedule.End], tracked: [String: Int], evicting: (String, Date, Date) -> Bool
    ) {
        for name in Set(namespaces.keys).union(tracked.keys) {
            namespaces[name, default: Ends()].trackedKeys = tracked[name] ?? 0
        }
        for end in ends {
            var entry = namespaces[end.namespace, default: Ends()]
            switch end.ending {
            case .expired: entry.trackedEnds.expired += 1
            case .overwritten: entry.trackedEnds.overwritten += 1
            case .removedEarly:
                if evicting(end.namespace, end.since, end.seenAt) {
                    entry.trackedEnds.evicted += 1
                } else {
                    entry.trackedEnds.deleted += 1
                }
            }
            if let age = end.ageShare {
                entry.ageShares.append(age)
                if entry.ageShares.count > Self.ageSamples { entry.ageShares.removeFirst() }
            }
            entry.ttlSeconds = max(entry.ttlSeconds, end.ttlSeconds)
            namespaces[end.namespace] = entry
        }
    }

    /// Adds the ends keyspace events counted in an interval (per namespace and kind), where the
    /// subscription held `kinds`: nothing unless expirations, evictions and deletions are all
    /// published (the shares would lean). `ttlSeconds` gives the TTL sampled keys of a namespace
    /// were seen with (the bound where no tracked key ended yet).
    public mutating func addEvents(
        _ counts: [String: [KeyEventKind: Int]], kinds: Set<KeyEventKind>, ttlSeconds: [String: Double] = [:]
    ) {
        guard kinds.isSuperset(of: [.expired, .evicted, .deleted]) else { return }
        let overwrites = kinds.contains(.overwritten)
        for (name, byKind) in counts {
            let ended = Counts(
                expired: byKind[.expired] ?? 0, deleted: byKind[.deleted] ?? 0,
                overwritten: overwrites ? byKind[.overwritten] ?? 0 : 0, evicted: byKind[.evicted] ?? 0)
            guard ended.total > 0 else { continue }
            var entry = namespaces[name, default: Ends()]
            entry.eventEnds.expired += ended.expired
            entry.eventEnds.deleted += ended.deleted
            entry.eventEnds.overwritten += ended.overwritten
            entry.eventEnds.evicted += ended.evicted
            entry.eventsCountOverwrites = overwrites
            if let ttl = ttlSeconds[name] { entry.ttlSeconds = max(entry.ttlSeconds, ttl) }
            namespaces[name] = entry
        }
    }

    /// The verdict on `namespace`.
    public func kind(of namespace: String) -> Kind {
        guard let ends = namespaces[namespace], ends.hasVerdict else { return .unknown }
        return ends.isInvalidatedOnWrite ? .invalidatedOnWrite : .ttlOnly
    }

    /// How stale a value of `namespace` may be: its TTL when it is invalidated by TTL only, to
    /// the second above (the largest TTL seen is read a moment after the write); `nil` otherwise
    /// (invalidated on write, or not known yet).
    public func stalenessBound(of namespace: String) -> Double? {
        guard kind(of: namespace) == .ttlOnly, let ttl = namespaces[namespace]?.ttlSeconds, ttl > 0 else { return nil }
        return ttl.rounded(.up)
    }

    /// The per-namespace figures of the vocabulary, for namespaces with enough ends.
    public var figures: [Metric: [String: Double]] {
        var figures: [Metric: [String: Double]] = [
            .namespaceExpiredShare: [:], .namespaceInvalidatedShare: [:], .namespaceEvictedShare: [:],
            .namespaceStalenessBoundSeconds: [:], .namespaceEndAgeShareP50: [:], .namespaceEndAgeShareP90: [:],
        ]
        for (name, ends) in namespaces where ends.total >= Self.minimumEnds {
            let total = Double(ends.total)
            figures[.namespaceExpiredShare]?[name] = Double(ends.expired) / total
            figures[.namespaceInvalidatedShare]?[name] = ends.invalidatedShare
            figures[.namespaceEvictedShare]?[name] = Double(ends.evicted) / total
            if let bound = stalenessBound(of: name) { figures[.namespaceStalenessBoundSeconds]?[name] = bound }
            if ends.ageShares.count >= Self.minimumEnds {
                figures[.namespaceEndAgeShareP50]?[name] = ends.ageShare(quantile: 0.5)
                figures[.namespaceEndAgeShareP90]?[name] = ends.ageShare(quantile: 0.9)
            }
        }
        return figures
    }
}
