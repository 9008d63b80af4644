import Foundation

/// What the keyspace view's "How keys end" panel shows of a node's ``NamespaceInvalidation``:
/// per namespace, its verdict and the evidence behind it, as plain figures — taken from the
/// live tracking each frame, or read back from a recording (which keeps it with the keyspace
/// figures, once a minute).
public struct KeyEndsSummary: Sendable, Equatable {
    /// One namespace's row.
    public struct Row: Sendable, Equatable {
        /// The namespace.
        public var name: String
        /// TTL-only, invalidated on write, or not known yet.
        public var kind: NamespaceInvalidation.Kind
        /// How sure the verdict is; `nil` before there is one.
        public var confidence: NamespaceInvalidation.Confidence?
        /// How stale a TTL-only namespace's values may be, in seconds.
        public var stalenessBound: Double?
        /// Its ends by kind (from keyspace events, or from tracked keys).
        public var counts: NamespaceInvalidation.Counts
        /// Where the counts come from.
        public var source: NamespaceInvalidation.Source
        /// The age at the end as a share of the TTL: median and 90th percentile.
        public var ageShareMedian: Double?
        /// The 90th percentile of the age at the end as a share of the TTL.
        public var ageShareHigh: Double?

        /// Creates a row.
        public init(
            name: String, kind: NamespaceInvalidation.Kind, confidence: NamespaceInvalidation.Confidence?,
            stalenessBound: Double?, counts: NamespaceInvalidation.Counts, source: NamespaceInvalidation.Source,
            ageShareMedian: Double?, ageShareHigh: Double?
        ) {
            self.name = name
            self.kind = kind
            self.confidence = confidence
            self.stalenessBound = stalenessBound
            self.counts = counts
            self.source = source
            self.ageShareMedian = ageShareMedian
            self.ageShareHigh = ageShareHigh
        }
    }

    /// Keys being tracked to their end.
    public var trackedKeys: Int
    /// The namespaces, most ends first.
    public var rows: [Row]

    /// Creates a summary from its parts (a recording's decoder, tests).
    public init(trackedKeys: Int, rows: [Row]) {
        self.trackedKeys = trackedKeys
        self.rows = rows
    }

    /// The summary of `invalidation` now.
    public init(_ invalidation: NamespaceInvalidation) {
        let ordered = invalidation.namespaces.sorted { ($0.value.total, $1.key) > ($1.value.total, $0.key) }
        self.init(
            trackedKeys: invalidation.namespaces.values.reduce(0) { $0 + $1.trackedKeys },
            rows: ordered.map { name, ends in
                let verdict = invalidation.verdict(of: name)
                return Row(
                    name: name, kind: verdict?.kind ?? .unknown, confidence: verdict?.confidence,
                    stalenessBound: invalidation.stalenessBound(of: name), counts: ends.counts, source: ends.source,
                    ageShareMedian: ends.ageShare(quantile: 0.5), ageShareHigh: ends.ageShare(quantile: 0.9))
            })
    }
}
