/// What `INFO keysizes` reports (Redis 8+): per database, how many keys of each type fall in each
/// power-of-two bucket of size — string bytes, collection elements — counted by the server as
/// keys change, so the whole keyspace's shape is known without a scan.
///
/// A field reads `db0_distrib_strings_sizes:1=1,8=3,1M=1`: the bucket `8` holds values of 8–15
/// bytes, `1M` of 1–2 MiB (suffixes K, M, G, T, P are powers of 1,024).
public struct KeySizeDistribution: Sendable, Hashable {
    /// A type's distribution in one database.
    public struct Histogram: Sendable, Hashable {
        /// The database.
        public let database: Int
        /// What is measured.
        public let kind: Kind
        /// Keys per bucket, by the bucket's lower bound (bytes or elements), smallest first.
        public let buckets: [(lowerBound: Int64, keys: Int64)]

        /// The largest bucket with keys: its lower bound; `nil` when empty.
        public var largestBucket: Int64? { buckets.last?.lowerBound }

        /// Equal when every bucket is.
        public static func == (lhs: Histogram, rhs: Histogram) -> Bool {
            lhs.database == rhs.database && lhs.kind == rhs.kind
                && lhs.buckets.map(\.lowerBound) == rhs.buckets.map(\.lowerBound)
                && lhs.buckets.map(\.keys) == rhs.buckets.map(\.keys)
        }

        /// Hashes the database, kind and bounds.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(database)
            hasher.combine(kind)
            hasher.combine(buckets.map(\.lowerBound))
        }
    }

    /// The measure of a histogram: string bytes, or the elements of a collection type.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
        /// String values, by bytes.
        case strings
        /// Lists, by elements.
        case lists
        /// Sets, by members.
        case sets
        /// Sorted sets, by members.
        case zsets
        /// Hashes, by fields.
        case hashes

        /// Whether buckets are bytes (strings) rather than elements.
        public var measuresBytes: Bool { self == .strings }

        /// Orders as declared.
        public static func < (lhs: Kind, rhs: Kind) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    /// Every non-empty histogram, by database then kind.
    public let histograms: [Histogram]

    /// Parses the fields of the `keysizes` section; fields it does not know are skipped.
    public init(fields: [String: String]) {
        var histograms: [Histogram] = []
        for (name, value) in fields {
            guard name.hasPrefix("db"), let parts = Self.split(name) else { continue }
            var buckets: [(lowerBound: Int64, keys: Int64)] = []
            for pair in value.split(separator: ",") {
                let sides = pair.split(separator: "=", maxSplits: 1)
                guard sides.count == 2, let bound = Self.bound(sides[0]), let keys = Int64(sides[1]), keys > 0
                else { continue }
                buckets.append((bound, keys))
            }
            guard !buckets.isEmpty else { continue }
            buckets.sort { $0.lowerBound < $1.lowerBound }
            histograms.append(Histogram(database: parts.database, kind: parts.kind, buckets: buckets))
        }
        self.histograms = histograms.sorted { ($0.database, $0.kind) < ($1.database, $1.kind) }
    }

    /// The largest bucket with keys, over every database, of the given kinds: its lower bound.
    public func largestBucket(of kinds: Set<Kind>) -> Int64? {
        histograms.filter { kinds.contains($0.kind) }.compactMap(\.largestBucket).max()
    }

    /// `db3_distrib_hashes_items` → (3, hashes).
    private static func split(_ name: String) -> (database: Int, kind: Kind)? {
        let parts = name.split(separator: "_")
        guard parts.count == 4, parts[1] == "distrib", parts[0].count > 2, parts[0].count < 8,
            let database = Int(parts[0].dropFirst(2)), let kind = Kind(rawValue: String(parts[2])),
            parts[3] == (kind.measuresBytes ? "sizes" : "items")
        else { return nil }
        return (database, kind)
    }

    /// `8` → 8, `1K` → 1,024, `2M` → 2 MiB; `nil` for anything else.
    static func bound(_ text: Substring) -> Int64? {
        guard let last = text.last, !text.isEmpty, text.count < 24 else { return nil }
        let suffixes: [Character: Int64] = [
            "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50,
        ]
        if let scale = suffixes[last] {
            guard let number = Int64(text.dropLast()), number >= 0, number < Int64.max / scale else { return nil }
            return number * scale
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }
}

extension InfoSnapshot {
    /// The `keysizes` section (Redis 8+); `nil` when the server does not report it.
    public var keySizes: KeySizeDistribution? {
        sections["keysizes"].map(KeySizeDistribution.init(fields:))
    }
}
