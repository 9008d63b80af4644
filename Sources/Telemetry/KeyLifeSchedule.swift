import Foundation

/// How tracked keys end, observed without any server configuration: a bounded set of keys per
/// namespace, each checked with `PTTL` a few times in its life — probes at doubling gaps (an
/// early deletion or rewrite is seen soon, and its age closely), a check shortly before its TTL
/// runs out and one shortly after. A key gone before its TTL ran out was removed early (deleted,
/// or evicted); one whose TTL jumped up, or lost it, was written again (overwritten before
/// expiry); one still there with its TTL as expected, then gone after its expiry, expired. A
/// rewrite with the same TTL within ``refillWindow`` of the previous write is a refill race —
/// two cache-aside readers missed the key and both wrote it back — not an invalidation.
///
/// The checks fit a budget: keys are taken on only while the checks their lives need stay within
/// 80 % of it, and the checks around expiry (which cannot wait) go before probes (which can). A
/// check before expiry that comes too late to tell a deletion from an expiry tells nothing.
///
/// A pure value: the caller sends the `PTTL`s (``due(now:limit:)``) and hands back the replies
/// (``record(_:pttl:now:fullTTLMilliseconds:)``).
public struct KeyLifeSchedule: Sendable {
    /// How a tracked key's life ended.
    public enum Ending: String, Sendable, Hashable, CaseIterable {
        /// Gone after its TTL ran out (or found re-created after it: it expired in between).
        case expired
        /// Gone well before its TTL ran out: deleted (`DEL`, `UNLINK`) or evicted — the caller
        /// tells them apart with the node's evictions.
        case removedEarly
        /// Written again before its TTL ran out: a TTL that jumped up, or a key without TTL now.
        case overwritten
        /// Written again with the same TTL within ``KeyLifeSchedule/refillWindow`` of its previous
        /// write: readers that missed it together each wrote it back (a refill race), no writer
        /// replacing data.
        case refilled
    }

    /// One end of a tracked key's life.
    public struct End: Sendable, Hashable {
        /// The key's namespace.
        public var namespace: String
        /// How it ended.
        public var ending: Ending
        /// When the end was seen (the check that found it).
        public var seenAt: Date
        /// When it was last checked before (the end happened in between).
        public var since: Date
        /// The key's age at the end as a share of its TTL (the middle of the span it ended in,
        /// dated by the namespace's full TTL): 1 for an expiry.
        public var ageShare: Double?
        /// The TTL it was tracked with, in seconds.
        public var ttlSeconds: Double

        /// Creates an end.
        public init(
            namespace: String, ending: Ending, seenAt: Date, since: Date, ageShare: Double?, ttlSeconds: Double
        ) {
            self.namespace = namespace
            self.ending = ending
            self.seenAt = seenAt
            self.since = since
            self.ageShare = ageShare
            self.ttlSeconds = ttlSeconds
        }
    }

    /// Which check a tracked key waits for.
    public enum Phase: Sendable, Hashable {
        /// A probe partway through its life (can wait when the budget is short).
        case probing
        /// The check shortly before its TTL runs out.
        case beforeExpiry
        /// The check shortly after.
        case afterExpiry
    }

    /// A key being tracked.
    public struct Tracked: Sendable, Hashable {
        /// The key name.
        public var name: [UInt8]
        /// Its namespace.
        public var namespace: String
        /// When its life was first seen (the sampler's observation, or a re-write found).
        public var firstSeen: Date
        /// Its TTL then, in milliseconds.
        public var ttlMilliseconds: Int64
        /// When the TTL runs out, as things stood.
        public var expiresAt: Date
        /// The check it waits for.
        public var phase: Phase
        /// When it is checked next.
        public var due: Date
        /// When it was last checked.
        public var lastChecked: Date
    }

    /// The most keys tracked per namespace.
    public let perNamespace: Int
    /// The most keys tracked in all.
    public let capacity: Int
    /// The checks per second available (keys are taken on within 80 % of it); `nil`: no limit.
    public let checksPerSecond: Double?
    /// Keys with a shorter TTL are not tracked (their ends come faster than checks can tell).
    public static let minimumTTLMilliseconds: Int64 = 5_000
    /// Checks a key's life takes at most: probes at doubling gaps from 1/32 of its TTL (5), the
    /// check before expiry and the one after.
    public static let checksPerLife = 7.0

    private var tracked: [[UInt8]: Tracked] = [:]
    private var namesByNamespace: [String: Set<[UInt8]>] = [:]
    /// Per namespace, the seconds between each check and the one before (the time its tracked
    /// keys were watched), since ``takeWatchedSeconds()``.
    private var watched: [String: Double] = [:]
    /// Checks per second the tracked lives need.
    private var demand = 0.0
    /// How late checks have been answered lately (a decaying maximum of the time between a
    /// check falling due and its reply): a busy host or server makes every check late, and a
    /// check before expiry that comes after the expiry tells nothing — it is moved earlier by
    /// this much (at most a quarter of the TTL).
    public private(set) var lateness: TimeInterval = 0

    /// Creates an empty schedule.
    public init(perNamespace: Int = 20, capacity: Int = 2_000, checksPerSecond: Double? = nil) {
        self.perNamespace = max(1, perNamespace)
        self.capacity = max(1, capacity)
        self.checksPerSecond = checksPerSecond.map { max(0.1, $0) }
    }

    /// The keys tracked now.
    public var count: Int { tracked.count }

    /// The keys tracked now, per namespace.
    public var trackedPerNamespace: [String: Int] { namesByNamespace.mapValues(\.count) }

    /// The checks per second the tracked keys' lives need.
    public var checksNeededPerSecond: Double { demand }

    /// The check before expiry comes this long before the TTL runs out: 5 % of it, at least
    /// 1 s (a key removed in that last stretch counts as expired).
    static func lead(ttlMilliseconds: Int64) -> TimeInterval {
        max(1, Double(ttlMilliseconds) / 1000 * 0.05)
    }

    /// The check after expiry comes this long after it (the server expires lazily or in its
    /// active cycle: a key can outlive its TTL by a little).
    static func grace(ttlMilliseconds: Int64) -> TimeInterval {
        max(2, Double(ttlMilliseconds) / 1000 * 0.05)
    }

    /// The first probe comes this long after a life is first seen; each next one as long after
    /// the previous as the life has lasted so far (doubling gaps).
    static func firstProbeGap(ttlMilliseconds: Int64) -> TimeInterval {
        max(2, Double(ttlMilliseconds) / 1000 / 32)
    }

    /// A check before expiry run closer than this to the expiry cannot tell a deletion from the
    /// expiry (the reply's own delay): it tells nothing.
    static let lateMargin: TimeInterval = 0.25

    /// A rewrite with the same TTL this soon after the previous write is a refill race, not an
    /// invalidation: readers that missed a key together each load it and write it back, the
    /// last up to a few seconds after the first when the database is slow.
    public static let refillWindow: TimeInterval = 5

    /// Starts tracking `key` (a sampled key with a TTL) in `namespace`, if the namespace, the
    /// schedule and the budget have room and it is not tracked already; returns whether it is
    /// tracked now.
    ///
    /// A namespace whose slots are all taken gives up the key with the most life left for a key
    /// whose whole TTL is under half of that, as long as more than half of its slots hold such
    /// long lives: verdicts come from ends, and a slot held by a week-long TTL yields no expiry
    /// for a week — but long lives are where deletions and rewrites show most, so half the slots
    /// keep them. The staleness bound stays the longest TTL seen.
    @discardableResult
    public mutating func offer(_ key: KeyMetadata, namespace: String, now: Date) -> Bool {
        guard let ttl = key.ttlMilliseconds, ttl >= Self.minimumTTLMilliseconds, tracked[key.name] == nil
        else { return false }
        var replaced: Tracked?
        if let names = namesByNamespace[namespace], names.count >= perNamespace {
            let seconds = Double(ttl) / 1000
            let longer = names.compactMap { tracked[$0] }.filter { seconds < $0.expiresAt.timeIntervalSince(now) / 2 }
            guard 2 * longer.count > perNamespace, let longest = longer.max(by: { $0.expiresAt < $1.expiresAt })
            else { return false }
            replaced = longest
        }
        let freed = replaced.map { Self.need($0.ttlMilliseconds) } ?? 0
        guard replaced != nil || tracked.count < capacity,
            checksPerSecond.map({ demand - freed + Self.need(ttl) <= $0 * 0.8 }) ?? true
        else { return false }
        if let replaced { stopTracking(replaced.name) }
        let seen = key.observedAt ?? now
        track(Self.life(of: key.name, namespace: namespace, ttl: ttl, seen: seen, lateness: lateness))
        namesByNamespace[namespace, default: []].insert(key.name)
        return true
    }

    /// The checks per second a life of `ttl` milliseconds needs.
    private static func need(_ ttl: Int64) -> Double { checksPerLife / (Double(ttl) / 1000) }

    private mutating func track(_ life: Tracked) {
        if let old = tracked[life.name] { demand -= Self.need(old.ttlMilliseconds) }
        tracked[life.name] = life
        demand += Self.need(life.ttlMilliseconds)
    }

    private static func life(
        of name: [UInt8], namespace: String, ttl: Int64, seen: Date, lateness: TimeInterval
    ) -> Tracked {
        let expiresAt = seen.addingTimeInterval(Double(ttl) / 1000)
        var life = Tracked(
            name: name, namespace: namespace, firstSeen: seen, ttlMilliseconds: ttl, expiresAt: expiresAt,
            phase: .probing, due: seen, lastChecked: seen)
        life.scheduleNext(after: seen, lateness: lateness)
        return life
    }

    /// The keys due for a check at `now`, at most `limit`: checks around expiry first (most
    /// overdue first), then probes.
    public func due(now: Date, limit: Int) -> [Tracked] {
        guard limit > 0 else { return [] }
        return Array(
            tracked.values.filter { $0.due <= now }
                .sorted { ($0.phase == .probing ? 1 : 0, $0.due) < ($1.phase == .probing ? 1 : 0, $1.due) }
                .prefix(limit))
    }

    /// Per namespace, how long its tracked keys were watched (the time from each check to the
    /// one before, summed) since the last call: the exposure in which an eviction could have
    /// removed one of them. Resets it.
    public mutating func takeWatchedSeconds() -> [String: Double] {
        defer { watched = [:] }
        return watched
    }

    /// The next time a key is due, if any is tracked.
    public var nextDue: Date? { tracked.values.map(\.due).min() }

    /// Takes a `PTTL` reply for `name` (milliseconds; -2 gone, -1 no TTL) read at `now`, and
    /// returns the end it reveals, if any. The namespace's full TTL (`fullTTLMilliseconds`, the
    /// largest TTL seen there) dates the key's write for its age at the end.
    public mutating func record(
        _ name: [UInt8], pttl: Int64, now: Date, fullTTLMilliseconds: Int64? = nil
    ) -> End? {
        guard var key = tracked[name] else { return nil }
        // Checks around expiry go first: their delay is the host's and the server's, not the
        // budget's (probes may be put off on purpose).
        if key.phase != .probing { lateness = max(max(0, now.timeIntervalSince(key.due)), lateness * 0.9) }
        watched[key.namespace, default: 0] += max(0, now.timeIntervalSince(key.lastChecked))
        let full = max(fullTTLMilliseconds ?? key.ttlMilliseconds, key.ttlMilliseconds)
        // When it was written, as far as can be told: its full TTL before it would run out.
        let writtenAt = key.expiresAt.addingTimeInterval(-Double(full) / 1000)
        func end(_ ending: Ending, ageShare: Double?) -> End {
            End(
                namespace: key.namespace, ending: ending, seenAt: now, since: key.lastChecked, ageShare: ageShare,
                ttlSeconds: Double(full) / 1000)
        }
        // It ended between the last check and this one: its age then, at the middle.
        func age() -> Double {
            let middle = key.lastChecked.addingTimeInterval(now.timeIntervalSince(key.lastChecked) / 2)
            return min(1, max(0, middle.timeIntervalSince(writtenAt) / (Double(full) / 1000)))
        }
        if key.phase != .afterExpiry {
            let remaining = key.expiresAt.timeIntervalSince(now) * 1000
            let tolerance = max(1_000, Double(key.ttlMilliseconds) * 0.02)
            if pttl == -2 {
                stopTracking(name)
                // Checked too late to tell a deletion from the expiry: nothing is known.
                if now.timeIntervalSince(key.expiresAt) > -Self.lateMargin { return nil }
                return end(.removedEarly, ageShare: age())
            }
            if pttl == -1 || Double(pttl) > remaining + tolerance {
                // Written again: a new life (with its new TTL), or none without a TTL. With the
                // namespace's TTL (no more than it), it was written `full - pttl` ago: soon
                // after the previous write, a refill race.
                let sameTTL = pttl > 0 && Double(pttl) <= Double(full) + tolerance
                let rewrittenAt = now.addingTimeInterval(-Double(full - min(pttl, full)) / 1000)
                let refill = sameTTL && rewrittenAt.timeIntervalSince(writtenAt) <= Self.refillWindow
                let found = end(refill ? .refilled : .overwritten, ageShare: age())
                if pttl >= Self.minimumTTLMilliseconds {
                    track(Self.life(of: name, namespace: key.namespace, ttl: pttl, seen: now, lateness: lateness))
                } else {
                    stopTracking(name)
                }
                return found
            }
            key.lastChecked = now
            key.scheduleNext(after: now, lateness: lateness)
            tracked[name] = key
            return nil
        }
        // After its expiry: gone, or re-created since (it expired in between) — either way the
        // value it held ran its TTL out.
        let found = end(.expired, ageShare: 1)
        if pttl >= Self.minimumTTLMilliseconds {
            track(Self.life(of: name, namespace: key.namespace, ttl: pttl, seen: now, lateness: lateness))
        } else {
            stopTracking(name)
        }
        return found
    }

    /// Stops tracking `name` (its end was seen, or the caller gives up on it).
    public mutating func stopTracking(_ name: [UInt8]) {
        guard let key = tracked.removeValue(forKey: name) else { return }
        demand = max(0, demand - Self.need(key.ttlMilliseconds))
        namesByNamespace[key.namespace]?.remove(name)
        if namesByNamespace[key.namespace]?.isEmpty == true { namesByNamespace[key.namespace] = nil }
    }
}

extension KeyLifeSchedule.Tracked {
    /// Sets the next check after one at `now` (still there, TTL as expected): the next probe,
    /// or once probes would reach the end of its life, the check before expiry — earlier by how
    /// late checks run (`lateness`, at most a quarter of the TTL) — then the one after.
    fileprivate mutating func scheduleNext(after now: Date, lateness: TimeInterval) {
        let allowance = min(lateness, Double(ttlMilliseconds) / 1000 / 4)
        let before = expiresAt.addingTimeInterval(
            -KeyLifeSchedule.lead(ttlMilliseconds: ttlMilliseconds) - allowance)
        switch phase {
        case .probing:
            let firstGap = KeyLifeSchedule.firstProbeGap(ttlMilliseconds: ttlMilliseconds)
            let probe = now.addingTimeInterval(max(firstGap, now.timeIntervalSince(firstSeen)))
            if probe < before.addingTimeInterval(-firstGap / 2) {
                due = probe
            } else {
                phase = .beforeExpiry
                due = before
            }
        case .beforeExpiry:
            phase = .afterExpiry
            due = expiresAt.addingTimeInterval(KeyLifeSchedule.grace(ttlMilliseconds: ttlMilliseconds))
        case .afterExpiry:
            break
        }
    }
}
