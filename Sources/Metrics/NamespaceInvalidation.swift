import Foundation
import Telemetry

/// How each namespace of a node is invalidated, from the ends of its keys' lives: only by expiry
/// (TTL-only: a value may be as stale as its TTL is long), by writes (deleted or overwritten
/// before expiry), or by eviction — with the age at the end against the TTL, and how sure that is
/// (keys tracked, ends seen).
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

    /// What was seen of one namespace.
    public struct Ends: Sendable, Hashable {
        /// Keys that ran their TTL out.
        public var expired = 0
        /// Keys deleted before their TTL ran out.
        public var deleted = 0
        /// Keys written again before their TTL ran out.
        public var overwritten = 0
        /// Keys evicted before their TTL ran out.
        public var evicted = 0
        /// The newest ages at the end as shares of the TTL (at most ``NamespaceInvalidation/ageSamples``).
        public var ageShares: [Double] = []
        /// The TTL keys are written with (the largest seen), in seconds.
        public var ttlSeconds: Double = 0
        /// Keys tracked now.
        public var tracked = 0

        /// Every end seen.
        public var total: Int { expired + deleted + overwritten + evicted }
        /// Share of ends that were deletions or overwrites.
        public var invalidatedShare: Double { total > 0 ? Double(deleted + overwritten) / Double(total) : 0 }

        /// The `quantile` (0…1) of the ages at the end, as a share of the TTL.
        public func ageShare(quantile: Double) -> Double? {
            guard !ageShares.isEmpty else { return nil }
            let sorted = ageShares.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * quantile).rounded()))]
        }
    }

    /// Ends needed before a verdict.
    public static let minimumEnds = 5
    /// Deletions and overwrites above this share of the ends: invalidated on write.
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
            namespaces[name, default: Ends()].tracked = tracked[name] ?? 0
        }
        for end in ends {
            var entry = namespaces[end.namespace, default: Ends()]
            switch end.ending {
            case .expired: entry.expired += 1
            case .overwritten: entry.overwritten += 1
            case .removedEarly:
                if evicting(end.namespace, end.since, end.seenAt) { entry.evicted += 1 } else { entry.deleted += 1 }
            }
            if let age = end.ageShare {
                entry.ageShares.append(age)
                if entry.ageShares.count > Self.ageSamples { entry.ageShares.removeFirst() }
            }
            entry.ttlSeconds = max(entry.ttlSeconds, end.ttlSeconds)
            namespaces[end.namespace] = entry
        }
    }

    /// The verdict on `namespace`.
    public func kind(of namespace: String) -> Kind {
        guard let ends = namespaces[namespace], ends.total >= Self.minimumEnds else { return .unknown }
        return ends.invalidatedShare >= Self.invalidatedThreshold ? .invalidatedOnWrite : .ttlOnly
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
            .namespaceStalenessBoundSeconds: [:],
        ]
        for (name, ends) in namespaces where ends.total >= Self.minimumEnds {
            let total = Double(ends.total)
            figures[.namespaceExpiredShare]?[name] = Double(ends.expired) / total
            figures[.namespaceInvalidatedShare]?[name] = ends.invalidatedShare
            figures[.namespaceEvictedShare]?[name] = Double(ends.evicted) / total
            if let bound = stalenessBound(of: name) { figures[.namespaceStalenessBoundSeconds]?[name] = bound }
        }
        return figures
    }
}
