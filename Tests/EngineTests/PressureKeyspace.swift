import Foundation
import Telemetry
import TestSupport

/// A keyspace simulated key by key in virtual time, for the judgements that slip under
/// pressure: cache-aside readers that miss, load the value (slowly: the database is under load)
/// and write it back with the namespace's TTL — several readers missing the same key each write
/// it (the refill race) — writers that delete on update, and `maxmemory` with an approximated
/// LRU (the server's: the least recently used of 5 random keys goes). It answers `PTTL` as the
/// server would and offers sampled keys as the sampler would.
struct PressureKeyspace {
    /// How a namespace's values are replaced.
    enum Strategy: Equatable {
        /// Only by expiry: never deleted, never updated (the stale-price incident).
        case ttlOnly
        /// Deleted when the source changes, each key about every `seconds` (the next read refills it).
        case deleteOnUpdate(everySeconds: Double)
        /// TTL-only until `at` (virtual seconds from the start), then deleted on update.
        case switchesToDeleteOnUpdate(at: Double, everySeconds: Double)
    }

    /// A family of keys read through the cache.
    struct Namespace {
        var prefix: String
        /// The pattern the engine names it by (`price:*`).
        var pattern: String
        var ids: Int
        var ttlSeconds: Double
        var readsPerSecond: Double
        var strategy = Strategy.ttlOnly
        /// Reads go mostly to the first ids (a long cold tail, as real popularity goes).
        var skew = 3.0
    }

    private struct Key {
        var namespace: Int
        var expiresAt: Double
        var lastAccess: Double
    }

    /// Virtual time, seconds since 1970.
    private(set) var time: Double
    let start: Double
    var namespaces: [Namespace]
    /// Keys held before `maxmemory` evicts.
    var capacity: Int
    /// Keys of no namespace above, written and never read (sessions, say): they fill memory.
    var fillerPerSecond: Double
    var fillerTTLSeconds: Double = 1800
    /// How long a reader takes to load a value after a miss (the database, under load).
    var loadSeconds: ClosedRange<Double> = 0.2...2.5

    private var keys: [String: Key] = [:]
    private var names: [String] = []
    private var positions: [String: Int] = [:]
    private var refills: [(due: Double, name: String, namespace: Int)] = []
    /// Key names by the second after the one they expire in (a name whose key was rewritten
    /// since is skipped when its second comes).
    private var expiring: [Int: [String]] = [:]
    private var random: SplitMix64
    private var fillers = 0
    private var lastSweep: Double
    /// Counted since the last ``takeCounts()``.
    private(set) var evicted = 0, expired = 0, hits = 0, misses = 0, writes = 0
    /// Every key ever evicted, for the tests' own check of the simulation.
    private(set) var evictedTotal = 0

    init(seed: UInt64, namespaces: [Namespace], capacity: Int, fillerPerSecond: Double, start: Double) {
        random = SplitMix64(seed: seed)
        self.namespaces = namespaces
        self.capacity = capacity
        self.fillerPerSecond = fillerPerSecond
        self.start = start
        time = start
        lastSweep = start
    }

    /// Keys held now.
    var count: Int { keys.count }

    /// Keys held with a TTL (every key here has one).
    var expires: Int { keys.count }

    /// Evictions, expiries, hits, misses and writes since the last call; resets them.
    mutating func takeCounts() -> (evicted: Int, expired: Int, hits: Int, misses: Int, writes: Int) {
        defer { (evicted, expired, hits, misses, writes) = (0, 0, 0, 0, 0) }
        return (evicted, expired, hits, misses, writes)
    }

    /// `PTTL` as the server answers it now: -2 for a key that is not there (or expired).
    func pttl(_ name: [UInt8]) -> Int64 {
        guard let key = keys[String(decoding: name, as: UTF8.self)], key.expiresAt > time else { return -2 }
        return Int64(((key.expiresAt - time) * 1000).rounded(.down))
    }

    /// `count` keys the sampler finds now (SCAN is uniform over keys), with their TTLs left and
    /// idle times (`OBJECT IDLETIME`).
    mutating func sample(_ count: Int) -> [KeyMetadata] {
        guard !names.isEmpty else { return [] }
        return (0..<count).compactMap { _ in
            let name = names[Int.random(in: 0..<names.count, using: &random)]
            let ttl = pttl(Array(name.utf8))
            guard ttl > 0, let key = keys[name] else { return nil }
            var metadata = KeyMetadata(
                name: Array(name.utf8), type: "string", ttlMilliseconds: ttl, memoryBytes: 120,
                observedAt: Date(timeIntervalSince1970: time))
            metadata.idleSeconds = Int64(time - key.lastAccess)
            return metadata
        }
    }

    /// The namespace pattern of a key name.
    func pattern(of name: [UInt8]) -> String {
        let text = String(decoding: name, as: UTF8.self)
        return namespaces.first { text.hasPrefix($0.prefix) }?.pattern ?? "session:*"
    }

    /// Advances `seconds` in steps of `step`.
    mutating func advance(_ seconds: Double, step: Double = 0.05) {
        var left = seconds
        while left > 1e-9 {
            let dt = min(step, left)
            time += dt
            left -= dt
            self.step(dt)
        }
    }

    private mutating func events(_ rate: Double, _ dt: Double) -> Int {
        // Whole events plus a random one for the fraction: the mean is rate × dt.
        let mean = rate * dt
        return Int(mean) + (Double.random(in: 0..<1, using: &random) < mean - Double(Int(mean)) ? 1 : 0)
    }

    private mutating func step(_ dt: Double) {
        for index in namespaces.indices {
            let namespace = namespaces[index]
            for _ in 0..<events(namespace.readsPerSecond, dt) {
                let id = Int(Double(namespace.ids) * pow(Double.random(in: 0..<1, using: &random), namespace.skew))
                read("\(namespace.prefix)\(id)", namespace: index)
            }
            let deletes: Double? =
                switch namespace.strategy {
                case .ttlOnly: nil
                case .deleteOnUpdate(let every): every
                case .switchesToDeleteOnUpdate(let at, let every): time - start >= at ? every : nil
                }
            if let every = deletes {
                for _ in 0..<events(Double(namespace.ids) / every, dt) {
                    remove("\(namespace.prefix)\(Int.random(in: 0..<namespace.ids, using: &random))")
                }
            }
        }
        for _ in 0..<events(fillerPerSecond, dt) {
            fillers += 1
            write("session:\(fillers)", namespace: -1, ttl: fillerTTLSeconds)
        }
        // Readers' writes that are due, in order.
        refills.sort { $0.due < $1.due }
        while let first = refills.first, first.due <= time {
            refills.removeFirst()
            write(first.name, namespace: first.namespace, ttl: namespaces[first.namespace].ttlSeconds)
        }
        // The active expiry cycle, ten times a second (a key past its TTL answers as gone
        // meanwhile, as the server's lazy expiry has it).
        if time - lastSweep >= 0.1 {
            lastSweep = time
            while let second = expiring.keys.min(), Double(second) <= time {
                for name in expiring.removeValue(forKey: second) ?? []
                where (keys[name]?.expiresAt ?? .infinity) <= time {
                    remove(name)
                    expired += 1
                }
            }
        }
    }

    private mutating func read(_ name: String, namespace: Int) {
        if let key = keys[name], key.expiresAt > time {
            keys[name]?.lastAccess = time
            hits += 1
            return
        }
        misses += 1
        // Cache-aside: this reader loads the value and writes it back, whoever else does too.
        refills.append((time + Double.random(in: loadSeconds, using: &random), name, namespace))
    }

    private mutating func write(_ name: String, namespace: Int, ttl: Double) {
        writes += 1
        if keys[name] == nil {
            positions[name] = names.count
            names.append(name)
        }
        keys[name] = Key(namespace: namespace, expiresAt: time + ttl, lastAccess: time)
        expiring[Int((time + ttl).rounded(.up)), default: []].append(name)
        while keys.count > capacity {
            // The server's approximated LRU: of 5 random keys, the least recently used goes.
            var victim = names[Int.random(in: 0..<names.count, using: &random)]
            for _ in 0..<4 {
                let other = names[Int.random(in: 0..<names.count, using: &random)]
                if (keys[other]?.lastAccess ?? 0) < (keys[victim]?.lastAccess ?? 0) { victim = other }
            }
            remove(victim)
            evicted += 1
            evictedTotal += 1
        }
    }

    private mutating func remove(_ name: String) {
        guard keys.removeValue(forKey: name) != nil, let position = positions.removeValue(forKey: name) else { return }
        let last = names.removeLast()
        if position < names.count {
            names[position] = last
            positions[last] = position
        }
    }
}
