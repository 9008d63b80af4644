/// The `maxmemory-policy`: what the server evicts when it reaches `maxmemory`.
public enum EvictionPolicy: Sendable, Hashable, CustomStringConvertible {
    /// Writes fail instead (`noeviction`).
    case noEviction
    /// Least recently used among all keys.
    case allKeysLRU
    /// Least frequently used among all keys.
    case allKeysLFU
    /// Any key.
    case allKeysRandom
    /// Least recently used among keys with a TTL.
    case volatileLRU
    /// Least frequently used among keys with a TTL.
    case volatileLFU
    /// Any key with a TTL.
    case volatileRandom
    /// The key with a TTL nearest to expiry.
    case volatileTTL
    /// A policy this version does not know, by its name.
    case other(String)

    private static let named: [String: EvictionPolicy] = [
        "noeviction": .noEviction, "allkeys-lru": .allKeysLRU, "allkeys-lfu": .allKeysLFU,
        "allkeys-random": .allKeysRandom, "volatile-lru": .volatileLRU, "volatile-lfu": .volatileLFU,
        "volatile-random": .volatileRandom, "volatile-ttl": .volatileTTL,
    ]

    /// The policy named `name` (as `INFO` and `CONFIG` spell it).
    public init(name: String) {
        self = Self.named[name] ?? .other(name)
    }

    /// The name as the server spells it.
    public var name: String {
        if case .other(let name) = self { return name }
        return Self.named.first { $0.value == self }?.key ?? ""
    }

    /// The name.
    public var description: String { name }

    /// Whether any key may be evicted, TTL or not.
    public var coversAllKeys: Bool { [.allKeysLRU, .allKeysLFU, .allKeysRandom].contains(self) }

    /// Whether only keys with a TTL may be evicted.
    public var coversVolatileKeys: Bool {
        [.volatileLRU, .volatileLFU, .volatileRandom, .volatileTTL].contains(self)
    }
}
