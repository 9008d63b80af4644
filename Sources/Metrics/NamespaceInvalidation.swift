import Foundation
import Telemetry

/// How each namespace of a node is invalidated, from the ends of its keys' lives: only by expiry
/// (TTL-only: a value may be as stale as its TTL is long), by writes (deleted or overwritten
/// before expiry), or by eviction — with the age at the end against the TTL, and the evidence
/// (ends counted, the share, what could not be placed, a confidence).
///
/// Two sources. Tracked keys (``KeyLifeSchedule``, no server setting) are a sample: up to 20 keys
/// per namespace followed to their end. Keyspace events, where the server publishes expirations,
/// evictions and deletions (`notify-keyspace-events` with `x`, `e`, `g`), count every end of every
/// key; overwrites only where it publishes them too (`o`, Redis 8.2+). Where events count a
/// namespace's ends, their counts make the shares; tracked keys still give the ages, and the
/// overwrites events cannot show (a TTL that jumped up: written again).
///
/// What is not invalidation is kept out of the writer's share:
/// - **Refills.** A rewrite with the same TTL within ``KeyLifeSchedule/refillWindow`` of the
///   previous write is readers racing to refill a miss (``KeyLifeSchedule/Ending/refilled``).
/// - **Evictions.** A tracked key removed early — or rewritten, as a reader refills an evicted
///   key — while its namespace evicts (keyspace events) is an eviction. Where only the node's
///   eviction counter is known, such ends are weighed against the evictions the node's rate
///   explains: each watched second of a tracked key had a `evictions/s ÷ evictable keys` chance
///   of losing it, times its namespace's ``EvictionPropensity`` (under LRU or LFU a cold
///   namespace takes most evictions, a hot one few), and up to ``evictionMargin`` times that
///   expectation is *uncertain* — neither an eviction nor the writer's. Only the ends beyond it
///   count as the writer's deletions and overwrites.
///
/// Ends weigh less as they age: every ``halfLife(ttlSeconds:)`` (half the namespace's TTL, at
/// least 30 s) the counts halve, so a namespace whose writer changes strategy shows the change
/// within about two TTLs, while the ends of the current half-life weigh whole (five of them
/// make a verdict).
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

    /// How sure a verdict is.
    public enum Confidence: String, Sendable, Hashable, Comparable {
        /// Fewer than 10 of the writer's ends, or more ends uncertain than the writer's.
        case low
        /// Enough ends, but the share is not clearly on one side of the threshold.
        case medium
        /// 30 or more of the writer's ends, with the share's 90 % interval on one side of the
        /// threshold.
        case high

        private var rank: Int { self == .low ? 0 : self == .medium ? 1 : 2 }

        /// Orders low < medium < high.
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    /// What is known of evictions around tracked keys' ends on the node.
    public enum EvictionEvidence {
        /// Keyspace events count evictions per namespace: per namespace, the end of the newest
        /// interval in which it evicted.
        case namespaceEvents(lastEvicted: [String: Date])
        /// Only the node's eviction counter: whether the node evicted between two times, the
        /// chance a second that one given key is evicted (evictions a second over the keys the
        /// policy may evict), and per namespace how much likelier its keys are than the average
        /// (``EvictionPropensity``; 1 where not known).
        case nodeCounters(
            evictedBetween: (Date, Date) -> Bool, chancePerSecond: Double, propensity: [String: Double] = [:])
    }

    /// Ends counted by one source (halved every ``halfLife(ttlSeconds:)``).
    public struct Counts: Sendable, Hashable {
        /// Keys that ran their TTL out.
        public var expired = 0.0
        /// Keys deleted before their TTL ran out.
        public var deleted = 0.0
        /// Keys written again before their TTL ran out.
        public var overwritten = 0.0
        /// Keys evicted before their TTL ran out.
        public var evicted = 0.0
        /// Keys removed or rewritten early while the node evicted, that its eviction rate
        /// explains: neither the writer's nor known to be evictions.
        public var uncertain = 0.0
        /// Keys written again by readers racing to refill them: not ends of a value.
        public var refilled = 0.0

        /// Creates counts.
        public init(
            expired: Double = 0, deleted: Double = 0, overwritten: Double = 0, evicted: Double = 0,
            uncertain: Double = 0, refilled: Double = 0
        ) {
            self.expired = expired
            self.deleted = deleted
            self.overwritten = overwritten
            self.evicted = evicted
            self.uncertain = uncertain
            self.refilled = refilled
        }

        /// Every end counted (refills are not ends of a value).
        public var total: Double { expired + deleted + overwritten + evicted + uncertain }
        /// The ends the writer (or its TTLs) made: expiries, deletions, overwrites.
        public var writerEnds: Double { expired + deleted + overwritten }
        /// Share of the writer's ends that were deletions or overwrites: how much it invalidates.
        public var invalidatedShare: Double { writerEnds > 0 ? (deleted + overwritten) / writerEnds : 0 }

        /// These counts weighed by `factor`.
        func scaled(by factor: Double) -> Counts {
            Counts(
                expired: expired * factor, deleted: deleted * factor, overwritten: overwritten * factor,
                evicted: evicted * factor, uncertain: uncertain * factor, refilled: refilled * factor)
        }
    }

    /// Early ends of tracked keys while the node evicted, with only its counter to tell.
    struct Ambiguous: Sendable, Hashable {
        /// Keys removed early.
        var removed = 0.0
        /// Keys rewritten (perhaps refilled after an eviction).
        var rewritten = 0.0
        /// The evictions the node's rate explains among the tracked keys while they were watched.
        var expectedEvictions = 0.0

        func scaled(by factor: Double) -> Ambiguous {
            Ambiguous(
                removed: removed * factor, rewritten: rewritten * factor, expectedEvictions: expectedEvictions * factor)
        }
    }

    /// What was seen of one namespace.
    public struct Ends: Sendable, Hashable {
        /// The tracked keys' ends each source placed at once (expiries, refills, ends with no
        /// eviction around them or one its events showed).
        var trackedPlaced = Counts()
        /// The tracked keys' ends only the node's eviction rate can weigh.
        var ambiguous = Ambiguous()
        /// The ends keyspace events counted (every key), while the server published expirations,
        /// evictions and deletions.
        public internal(set) var eventEnds = Counts()
        /// Whether the events counted overwrites too (`o`, Redis 8.2+).
        public internal(set) var eventsCountOverwrites = false
        /// The newest ages at the end as shares of the TTL (at most ``NamespaceInvalidation/ageSamples``).
        public internal(set) var ageShares: [Double] = []
        /// The TTL keys are written with (the largest seen), in seconds.
        public internal(set) var ttlSeconds: Double = 0
        /// Keys tracked now.
        public internal(set) var trackedKeys = 0
        /// When the current half-life began: ends weigh whole until it is over, then half, then
        /// a quarter… (counts halve at each half-life's end).
        var epochStart: Date?

        /// The tracked keys' ends, placed: of the early ends while the node evicted, those its
        /// eviction rate explains (up to ``NamespaceInvalidation/evictionMargin`` times the
        /// expectation) are uncertain, the rest the writer's, as deletions and overwrites in the
        /// proportion they were seen.
        public var trackedEnds: Counts {
            var counts = trackedPlaced
            let early = ambiguous.removed + ambiguous.rewritten
            guard early > 0 else { return counts }
            let explained = min(early, NamespaceInvalidation.evictionMargin * ambiguous.expectedEvictions)
            let beyond = early - explained
            counts.uncertain += explained
            counts.deleted += beyond * ambiguous.removed / early
            counts.overwritten += beyond * ambiguous.rewritten / early
            return counts
        }

        /// The source the shares come from: events once they counted ``NamespaceInvalidation/minimumEnds``
        /// ends, else the tracked keys.
        public var source: Source {
            eventEnds.total >= NamespaceInvalidation.minimumEnds ? .keyspaceEvents : .trackedKeys
        }
        /// The ends of ``source``.
        public var counts: Counts { source == .keyspaceEvents ? eventEnds : trackedEnds }

        /// Keys that ran their TTL out (from ``source``).
        public var expired: Double { counts.expired }
        /// Keys deleted before their TTL ran out (from ``source``).
        public var deleted: Double { counts.deleted }
        /// Keys written again before their TTL ran out (from ``source``).
        public var overwritten: Double { counts.overwritten }
        /// Keys evicted (from ``source``).
        public var evicted: Double { counts.evicted }
        /// Early ends the evidence cannot place (from ``source``).
        public var uncertain: Double { counts.uncertain }
        /// Every end seen (from ``source``).
        public var total: Double { counts.total }
        /// Share of the writer's ends that were deletions or overwrites (from ``source``).
        public var invalidatedShare: Double { counts.invalidatedShare }

        /// Whether enough ends show what the writer does (expiries, deletions, overwrites —
        /// evictions are the cache's doing and tell nothing of it) for a verdict.
        var hasVerdict: Bool { counts.writerEnds >= NamespaceInvalidation.minimumEnds }

        /// Whether the writer invalidates: deletions and overwrites make at least
        /// ``NamespaceInvalidation/invalidatedThreshold`` of the ends that show what it does —
        /// or, where events cannot show overwrites, of the tracked keys' such ends.
        var isInvalidatedOnWrite: Bool {
            if counts.invalidatedShare >= NamespaceInvalidation.invalidatedThreshold { return true }
            let tracked = trackedEnds
            guard source == .keyspaceEvents, !eventsCountOverwrites,
                tracked.writerEnds >= NamespaceInvalidation.minimumEnds
            else { return false }
            return tracked.invalidatedShare >= NamespaceInvalidation.invalidatedThreshold
        }

        /// The `quantile` (0…1) of the ages at the end, as a share of the TTL.
        public func ageShare(quantile: Double) -> Double? {
            guard !ageShares.isEmpty else { return nil }
            let sorted = ageShares.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * quantile).rounded()))]
        }

        /// Halves every count for each half-life that ended by `now`.
        mutating func age(to now: Date) {
            guard let start = epochStart else {
                epochStart = now
                return
            }
            let halfLife = NamespaceInvalidation.halfLife(ttlSeconds: ttlSeconds)
            let epochs = (now.timeIntervalSince(start) / halfLife).rounded(.down)
            guard epochs >= 1 else { return }
            let factor = pow(0.5, epochs)
            trackedPlaced = trackedPlaced.scaled(by: factor)
            ambiguous = ambiguous.scaled(by: factor)
            eventEnds = eventEnds.scaled(by: factor)
            epochStart = start.addingTimeInterval(epochs * halfLife)
        }
    }

    /// A verdict with its evidence.
    public struct Verdict: Sendable, Hashable {
        /// The verdict.
        public var kind: Kind
        /// The writer's ends it rests on (expiries, deletions, overwrites; weighed by age).
        public var writerEnds: Double
        /// Their share that were deletions or overwrites.
        public var invalidatedShare: Double
        /// Early ends the evidence could not place (while the node evicted).
        public var uncertain: Double
        /// Rewrites that were refill races, left out.
        public var refilled: Double
        /// Where the counts come from.
        public var source: Source
        /// How sure it is.
        public var confidence: Confidence
    }

    /// Ends needed before a verdict (expiries, deletions and overwrites: evictions do not count).
    public static let minimumEnds = 5.0
    /// Deletions and overwrites above this share of those ends: invalidated on write.
    public static let invalidatedThreshold = 0.1
    /// The ages kept per namespace.
    public static let ageSamples = 200
    /// Early ends up to this many times the evictions the node's rate explains are uncertain
    /// (LRU and LFU fall on cold keys more than a uniform chance says).
    public static let evictionMargin = 2.0

    /// How often the counts halve: every half of the namespace's TTL, at least every 30 s.
    public static func halfLife(ttlSeconds: Double) -> Double { max(30, ttlSeconds / 2) }

    /// Per namespace, what was seen.
    public private(set) var namespaces: [String: Ends] = [:]

    /// Creates an empty record.
    public init() {}

    /// Adds the ends of a round of checks seen by `now`. `watchedSeconds` says how long each
    /// namespace's tracked keys were watched in the round (their exposure to evictions);
    /// `evictions` what is known of evictions around each end.
    public mutating func add(
        _ ends: [KeyLifeSchedule.End], tracked: [String: Int], watchedSeconds: [String: Double] = [:],
        evictions: EvictionEvidence, now: Date
    ) {
        for name in Set(namespaces.keys).union(tracked.keys).union(watchedSeconds.keys) {
            namespaces[name, default: Ends()].age(to: now)
            namespaces[name]?.trackedKeys = tracked[name] ?? 0
        }
        if case .nodeCounters(_, let chance, let propensity) = evictions, chance > 0 {
            for (name, seconds) in watchedSeconds {
                namespaces[name]?.ambiguous.expectedEvictions += seconds * chance * (propensity[name] ?? 1)
            }
        }
        for end in ends {
            var entry = namespaces[end.namespace, default: Ends()]
            entry.age(to: now)
            let early = end.ending == .removedEarly || end.ending == .overwritten
            switch (end.ending, early ? Self.evicted(end, evictions) : nil) {
            case (.expired, _): entry.trackedPlaced.expired += 1
            case (.refilled, _): entry.trackedPlaced.refilled += 1
            case (_, true?): entry.trackedPlaced.evicted += 1
            case (.removedEarly, false?): entry.trackedPlaced.deleted += 1
            case (.overwritten, false?): entry.trackedPlaced.overwritten += 1
            case (.removedEarly, nil): entry.ambiguous.removed += 1
            case (.overwritten, nil): entry.ambiguous.rewritten += 1
            }
            if let age = end.ageShare, end.ending != .refilled {
                entry.ageShares.append(age)
                if entry.ageShares.count > Self.ageSamples { entry.ageShares.removeFirst() }
            }
            entry.ttlSeconds = max(entry.ttlSeconds, end.ttlSeconds)
            namespaces[end.namespace] = entry
        }
    }

    /// Whether an early end was an eviction: `true` or `false` where the evidence says, `nil`
    /// where only the node's rate can weigh it.
    private static func evicted(_ end: KeyLifeSchedule.End, _ evidence: EvictionEvidence) -> Bool? {
        switch evidence {
        case .namespaceEvents(let last):
            return (last[end.namespace] ?? .distantPast) >= end.since
        case .nodeCounters(let evictedBetween, _, _):
            return evictedBetween(end.since, end.seenAt) ? nil : false
        }
    }

    /// Adds the ends keyspace events counted in an interval ending at `now` (per namespace and
    /// kind), where the subscription held `kinds`: nothing unless expirations, evictions and
    /// deletions are all published (the shares would lean). `ttlSeconds` gives the TTL sampled
    /// keys of a namespace were seen with (the bound where no tracked key ended yet); `refills`
    /// the overwrites per namespace that were refill races (left out).
    public mutating func addEvents(
        _ counts: [String: [KeyEventKind: Int]], kinds: Set<KeyEventKind>, ttlSeconds: [String: Double] = [:],
        refills: [String: Int] = [:], now: Date
    ) {
        guard kinds.isSuperset(of: [.expired, .evicted, .deleted]) else { return }
        let overwrites = kinds.contains(.overwritten)
        for (name, byKind) in counts {
            let refilled = overwrites ? min(Double(refills[name] ?? 0), Double(byKind[.overwritten] ?? 0)) : 0
            let ended = Counts(
                expired: Double(byKind[.expired] ?? 0), deleted: Double(byKind[.deleted] ?? 0),
                overwritten: overwrites ? Double(byKind[.overwritten] ?? 0) - refilled : 0,
                evicted: Double(byKind[.evicted] ?? 0), refilled: refilled)
            guard ended.total + ended.refilled > 0 else { continue }
            var entry = namespaces[name, default: Ends()]
            if let ttl = ttlSeconds[name] { entry.ttlSeconds = max(entry.ttlSeconds, ttl) }
            entry.age(to: now)
            entry.eventEnds.expired += ended.expired
            entry.eventEnds.deleted += ended.deleted
            entry.eventEnds.overwritten += ended.overwritten
            entry.eventEnds.evicted += ended.evicted
            entry.eventEnds.refilled += ended.refilled
            entry.eventsCountOverwrites = overwrites
            namespaces[name] = entry
        }
    }

    /// The verdict on `namespace`.
    public func kind(of namespace: String) -> Kind {
        guard let ends = namespaces[namespace], ends.hasVerdict else { return .unknown }
        return ends.isInvalidatedOnWrite ? .invalidatedOnWrite : .ttlOnly
    }

    /// The verdict on `namespace` with its evidence, once anything ended there.
    public func verdict(of namespace: String) -> Verdict? {
        guard let ends = namespaces[namespace] else { return nil }
        let counts = ends.counts
        let writer = counts.writerEnds
        let share = counts.invalidatedShare
        var confidence = Confidence.low
        if writer >= 10 && counts.uncertain <= writer {
            let (low, high) = Self.interval(share: share, ends: writer)
            let clear = high < Self.invalidatedThreshold || low > Self.invalidatedThreshold
            confidence = writer >= 30 && clear ? .high : .medium
        }
        return Verdict(
            kind: kind(of: namespace), writerEnds: writer, invalidatedShare: share, uncertain: counts.uncertain,
            refilled: counts.refilled, source: ends.source, confidence: confidence)
    }

    /// The 90 % Wilson interval of a share seen over `ends` trials.
    static func interval(share: Double, ends: Double) -> (Double, Double) {
        let z = 1.645
        let n = max(ends, 1)
        let centre = (share + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * ((share * (1 - share) / n + z * z / (4 * n * n)).squareRoot()) / (1 + z * z / n)
        return (max(0, centre - half), min(1, centre + half))
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
            .namespaceUncertainEndShare: [:], .namespaceStalenessBoundSeconds: [:], .namespaceEndAgeShareP50: [:],
            .namespaceEndAgeShareP90: [:],
        ]
        for (name, ends) in namespaces where ends.total >= Self.minimumEnds {
            let counts = ends.counts
            figures[.namespaceExpiredShare]?[name] = counts.expired / counts.total
            if counts.writerEnds > 0 { figures[.namespaceInvalidatedShare]?[name] = counts.invalidatedShare }
            figures[.namespaceEvictedShare]?[name] = counts.evicted / counts.total
            figures[.namespaceUncertainEndShare]?[name] = counts.uncertain / counts.total
            if let bound = stalenessBound(of: name) { figures[.namespaceStalenessBoundSeconds]?[name] = bound }
            if ends.ageShares.count >= Int(Self.minimumEnds) {
                figures[.namespaceEndAgeShareP50]?[name] = ends.ageShare(quantile: 0.5)
                figures[.namespaceEndAgeShareP90]?[name] = ends.ageShare(quantile: 0.9)
            }
        }
        return figures
    }
}
