import Foundation

/// How tracked keys end, observed without any server configuration: a bounded set of keys per
/// namespace, each checked with `PTTL` twice in its life — shortly before its TTL runs out and
/// shortly after. A key gone at the first check was removed early (deleted, or evicted); one whose
/// TTL jumped up, or lost it, was written again (overwritten before expiry); one still there
/// with its TTL as expected, then gone after its expiry, expired. A pure value: the caller sends
/// the `PTTL`s (``due(now:limit:)``) and hands back the replies (``record(_:pttl:now:)``).
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
        /// The key's age at the end as a share of its TTL, where the TTL it was written with is
        /// known (it was first seen with its full TTL or later re-written): 1 for an expiry.
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
        /// Whether the check before expiry has passed.
        public var checkedBeforeExpiry: Bool
        /// When it is checked next.
        public var due: Date
        /// When it was last checked.
        public var lastChecked: Date
    }

    /// The most keys tracked per namespace.
    public let perNamespace: Int
    /// The most keys tracked in all.
    public let capacity: Int
    /// Keys with a shorter TTL are not tracked (their ends come faster than checks can tell).
    public static let minimumTTLMilliseconds: Int64 = 5_000

    private var tracked: [[UInt8]: Tracked] = [:]
    private var countByNamespace: [String: Int] = [:]

    /// Creates an empty schedule.
    public init(perNamespace: Int = 20, capacity: Int = 2_000) {
        self.perNamespace = max(1, perNamespace)
        self.capacity = max(1, capacity)
    }

    /// The keys tracked now.
    public var count: Int { tracked.count }

    /// The keys tracked now, per namespace.
    public var trackedPerNamespace: [String: Int] { countByNamespace }

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

    /// Starts tracking `key` (a sampled key with a TTL) in `namespace`, if the namespace and the
    /// schedule have room and it is not tracked already; returns whether it is tracked now.
    @discardableResult
    public mutating func offer(_ key: KeyMetadata, namespace: String, now: Date) -> Bool {
        guard let ttl = key.ttlMilliseconds, ttl >= Self.minimumTTLMilliseconds, tracked[key.name] == nil,
            tracked.count < capacity, countByNamespace[namespace, default: 0] < perNamespace
        else { return false }
        let seen = key.observedAt ?? now
        tracked[key.name] = Self.life(of: key.name, namespace: namespace, ttl: ttl, seen: seen)
        countByNamespace[namespace, default: 0] += 1
        return true
    }

    private static func life(of name: [UInt8], namespace: String, ttl: Int64, seen: Date) -> Tracked {
        let expiresAt = seen.addingTimeInterval(Double(ttl) / 1000)
        return Tracked(
            name: name, namespace: namespace, firstSeen: seen, ttlMilliseconds: ttl, expiresAt: expiresAt,
            checkedBeforeExpiry: false, due: expiresAt.addingTimeInterval(-lead(ttlMilliseconds: ttl)),
            lastChecked: seen)
    }

    /// The keys due for a check at `now`, most overdue first, at most `limit`.
    public func due(now: Date, limit: Int) -> [Tracked] {
        guard limit > 0 else { return [] }
        return Array(tracked.values.filter { $0.due <= now }.sorted { $0.due < $1.due }.prefix(limit))
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
        let full = max(fullTTLMilliseconds ?? key.ttlMilliseconds, key.ttlMilliseconds)
        // When it was written, as far as can be told: its full TTL before it would run out.
        let writtenAt = key.expiresAt.addingTimeInterval(-Double(full) / 1000)
        func end(_ ending: Ending, ageShare: Double?) -> End {
            End(
                namespace: key.namespace, ending: ending, seenAt: now, since: key.lastChecked, ageShare: ageShare,
                ttlSeconds: Double(full) / 1000)
        }
        func age() -> Double { min(1, max(0, now.timeIntervalSince(writtenAt) / (Double(full) / 1000))) }
        if !key.checkedBeforeExpiry {
            let remaining = key.expiresAt.timeIntervalSince(now) * 1000
            let tolerance = max(1_000, Double(key.ttlMilliseconds) * 0.02)
            if pttl == -2 {
                stopTracking(name)
                return end(.removedEarly, ageShare: age())
            }
            if pttl == -1 || Double(pttl) > remaining + tolerance {
                // Written again: a new life (with its new TTL), or none without a TTL.
                let found = end(.overwritten, ageShare: age())
                if pttl >= Self.minimumTTLMilliseconds {
                    tracked[name] = Self.life(of: name, namespace: key.namespace, ttl: pttl, seen: now)
                } else {
                    stopTracking(name)
                }
                return found
            }
            key.checkedBeforeExpiry = true
            key.lastChecked = now
            key.due = key.expiresAt.addingTimeInterval(Self.grace(ttlMilliseconds: key.ttlMilliseconds))
            tracked[name] = key
            return nil
        }
        // After its expiry: gone, or re-created since (it expired in between) — either way the
        // value it held ran its TTL out.
        let found = end(.expired, ageShare: 1)
        if pttl >= Self.minimumTTLMilliseconds {
            tracked[name] = Self.life(of: name, namespace: key.namespace, ttl: pttl, seen: now)
        } else {
            stopTracking(name)
        }
        return found
    }

    /// Stops tracking `name` (its end was seen, or the caller gives up on it).
    public mutating func stopTracking(_ name: [UInt8]) {
        guard let key = tracked.removeValue(forKey: name) else { return }
        countByNamespace[key.namespace, default: 1] -= 1
        if countByNamespace[key.namespace] == 0 { countByNamespace[key.namespace] = nil }
    }
}
