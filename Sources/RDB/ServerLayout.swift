/// How a server family lays a key out in memory — what ``MemoryModel`` counts — chosen by the
/// dump's `redis-ver` or `valkey-ver` aux field.
public enum ServerLayout: String, Sendable, CaseIterable {
    /// Redis up to 6.x: keys apart in a dict entry, embedded strings counted by their bytes.
    case redis6
    /// Redis 7.0: keys apart in a dict entry, lists always quicklists.
    case redis7
    /// Redis 7.2 and 7.4, Valkey 7.2: a short list is one listpack.
    case redis72
    /// Redis 8: the key embedded in its object with its expiry, sorted sets' entries without
    /// a value.
    case redis8
    /// Valkey 8: the key embedded in its object, its own hash table (64-byte buckets of seven)
    /// for sets, hashes and sorted sets.
    case valkey8

    /// The layout of the server that wrote a dump with `aux` fields (`redis-ver`, `valkey-ver`);
    /// Redis 7.0's when they do not say.
    public init(aux: [String: String]) {
        func version(_ text: String?) -> (major: Int, minor: Int)? {
            guard let parts = text?.split(separator: "."), let major = parts.first.flatMap({ Int($0) }) else {
                return nil
            }
            return (major, parts.dropFirst().first.flatMap { Int($0) } ?? 0)
        }
        if let valkey = version(aux["valkey-ver"]) {
            self = valkey.major >= 8 ? .valkey8 : .redis72
        } else if let redis = version(aux["redis-ver"]) {
            switch (redis.major, redis.minor) {
            case (..<7, _): self = .redis6
            case (7, ..<2): self = .redis7
            case (7, _): self = .redis72
            default: self = .redis8
            }
        } else {
            self = .redis7
        }
    }

    /// Whether keys live in their value's object rather than in a dict entry of their own.
    var embedsKeys: Bool { self == .redis8 || self == .valkey8 }

    /// Whether a list that fits one listpack is kept as that listpack once loaded.
    var keepsShortListsInOneListpack: Bool { self != .redis6 && self != .redis7 }

    /// How the layout is named in reports.
    public var label: String {
        switch self {
        case .redis6: "Redis 6"
        case .redis7: "Redis 7.0"
        case .redis72: "Redis 7.2–7.4"
        case .redis8: "Redis 8"
        case .valkey8: "Valkey 8"
        }
    }
}
