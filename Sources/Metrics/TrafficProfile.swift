import Telemetry

/// Where a profile's misses come from.
public enum MissSource: String, Sendable, Hashable, CaseIterable {
    /// Keymiss events (`notify-keyspace-events` with `E` and `m`): every miss, exactly.
    case keymissEvents = "keymiss events"
    /// Inferred from the cache-aside pattern: a read of a key followed, within
    /// ``TrafficProfile/refillWindow`` seconds, by a write of the same key from the same client.
    /// Misses an application does not refill (or refills from another connection) go uncounted;
    /// a read-modify-write of a present key counts as one.
    case cacheAsideInference = "cache-aside inference"
}

/// Turns `MONITOR` lines (and keymiss events) into per-namespace traffic: reads, writes,
/// deletes, misses, top commands and top keys — in bounded memory (namespaces past
/// ``namespaceCap`` are counted together, top lists are Space-Saving counters, the reads
/// awaiting a refill are capped). Values never reach it: ``MonitorLine`` drops them.
public struct TrafficProfile: Sendable {
    /// Where namespaces past the cap are counted.
    public static let otherNamespace = "(other)"
    /// Most namespaces told apart.
    public let namespaceCap: Int
    /// Seconds within which a write of a key just read, by the same client, counts the read as a
    /// miss (cache-aside inference).
    public let refillWindow: Double
    /// Most reads awaiting a refill (older ones are forgotten first; see ``forgottenReads``).
    public let pendingCap: Int

    private struct Tally: Sendable {
        var traffic: NamespaceTraffic
        var eventMisses = 0
        var inferredMisses = 0
        var commands = TopCounter<String>(capacity: 16)
        var keys = TopCounter<[UInt8]>(capacity: 64)
    }

    private var slots: [UInt64: Int] = [:]
    private var otherSlot: Int?
    private var tallies: [Tally] = []
    /// Reads awaiting a refill by hash of (client, key): when, and the namespace's slot.
    private var pending: [UInt64: (time: Double, slot: Int)] = [:]
    /// The same reads in time order (an entry is stale when `pending` holds a later read).
    private var pendingOrder: [(hash: UInt64, time: Double)] = []
    private var pendingHead = 0

    /// Command lines counted (data commands and others).
    public private(set) var commands = 0
    /// Lines that were not commands in `MONITOR`'s format.
    public private(set) var unparsedLines = 0
    /// Seconds `MONITOR` was on (the rates' denominator).
    public private(set) var monitoredSeconds = 0.0
    /// Reads forgotten before their refill window ended because ``pendingCap`` was reached.
    public private(set) var forgottenReads = 0
    /// Keymiss events counted.
    public private(set) var keymissEvents = 0
    /// Commands of monitoring tools left out: a client that sends `SCAN`, `TYPE`, `MEMORY` or
    /// `OBJECT` is a tool reading metadata (cachewatch's own sampler, `redis-cli --bigkeys`), not
    /// the application, and its length commands (`STRLEN`, `HLEN`…) are not the cache's reads.
    public private(set) var toolCommands = 0
    private var toolClients: Set<[UInt8]> = []
    /// The commands that make a client a tool.
    private static let toolCommandNames: Set<String> = ["SCAN", "TYPE", "MEMORY", "OBJECT"]
    /// How far behind the server the newest line arrived, in seconds: its arrival minus its
    /// server time, less the smallest such difference seen (clocks need not agree).
    public private(set) var lagSeconds = 0.0
    /// Bursts ended early because the lines fell behind (see ``NamespaceProfiler``).
    public private(set) var burstsCutShort = 0
    private var smallestOffset = Double.infinity

    /// Creates an empty profile.
    public init(namespaceCap: Int = 500, refillWindow: Double = 3, pendingCap: Int = 262_144) {
        self.namespaceCap = max(1, namespaceCap)
        self.refillWindow = refillWindow
        self.pendingCap = max(1, pendingCap)
    }

    /// Counts one command line that arrived at `arrival` (seconds since 1970, local clock).
    public mutating func add(_ line: MonitorLine, arrivedAt arrival: Double) {
        let offset = arrival - line.time
        smallestOffset = min(smallestOffset, offset)
        lagSeconds = offset - smallestOffset
        add(line)
    }

    /// Counts a burst that was ended early because its lines fell behind.
    public mutating func cutBurstShort() { burstsCutShort += 1 }

    /// Counts one command line.
    public mutating func add(_ line: MonitorLine) {
        commands += 1
        if Self.toolCommandNames.contains(line.command) {
            if toolClients.count < 1024 { toolClients.insert(line.client) }
            toolCommands += 1
            return
        }
        guard let entry = TrafficCommand.named(line.command) else { return }
        if toolClients.contains(line.client) {
            toolCommands += 1
            return
        }
        expire(before: line.time - refillWindow)
        var counted = Set<Int>()
        for key in line.keys {
            let slot = self.slot(of: key)
            if counted.insert(slot).inserted { tallies[slot].commands.add(line.command) }
            tallies[slot].keys.add(key)
            let hash = Self.hash(client: line.client, key: key)
            switch entry.role {
            case .read:
                tallies[slot].traffic.reads += 1
                remember(hash, time: line.time, slot: slot)
            case .readDelete:
                tallies[slot].traffic.reads += 1
                tallies[slot].traffic.deletes += 1
            case .write:
                tallies[slot].traffic.writes += 1
                if let read = pending.removeValue(forKey: hash), line.time - read.time <= refillWindow {
                    tallies[read.slot].inferredMisses += 1
                }
            case .delete:
                tallies[slot].traffic.deletes += 1
                pending[hash] = nil
            }
        }
    }

    /// Counts a line that could not be read.
    public mutating func addUnparsed() { unparsedLines += 1 }

    /// Counts one keymiss event on `key`.
    public mutating func addKeyMiss(_ key: [UInt8]) {
        keymissEvents += 1
        tallies[slot(of: key)].eventMisses += 1
    }

    /// Adds `seconds` of `MONITOR` time (one window or one burst).
    public mutating func addMonitoredTime(_ seconds: Double) { monitoredSeconds += max(0, seconds) }

    /// Ends a burst: reads still awaiting a refill can no longer be matched (the refill, if any,
    /// falls outside the stream seen).
    public mutating func endBurst() {
        lagSeconds = 0
        pending.removeAll(keepingCapacity: true)
        pendingOrder.removeAll(keepingCapacity: true)
        pendingHead = 0
    }

    /// Every namespace's traffic with misses from `source`, the busiest (reads + writes +
    /// deletes) first.
    public func namespaces(missesFrom source: MissSource) -> [NamespaceTraffic] {
        tallies.map { tally in
            var traffic = tally.traffic
            traffic.misses = source == .keymissEvents ? tally.eventMisses : tally.inferredMisses
            traffic.topCommands = tally.commands.top(3).map { ($0.item, $0.count) }
            traffic.topKeys = tally.keys.top(5).map { ($0.item, $0.count) }
            return traffic
        }
        .sorted {
            ($0.reads + $0.writes + $0.deletes, $1.namespace) > ($1.reads + $1.writes + $1.deletes, $0.namespace)
        }
    }

    private mutating func slot(of key: [UInt8]) -> Int {
        let fingerprint = NamespacePattern.fingerprint(of: key)
        if let known = slots[fingerprint] { return known }
        if tallies.count < namespaceCap {
            slots[fingerprint] = tallies.count
            tallies.append(Tally(traffic: NamespaceTraffic(namespace: NamespacePattern.of(key))))
            return tallies.count - 1
        }
        if let otherSlot { return otherSlot }
        otherSlot = tallies.count
        tallies.append(Tally(traffic: NamespaceTraffic(namespace: Self.otherNamespace)))
        return tallies.count - 1
    }

    private mutating func remember(_ hash: UInt64, time: Double, slot: Int) {
        if pending.count >= pendingCap {
            // Forget the oldest read still waiting.
            while pendingHead < pendingOrder.count {
                let oldest = pendingOrder[pendingHead]
                pendingHead += 1
                if pending[oldest.hash]?.time == oldest.time {
                    pending[oldest.hash] = nil
                    forgottenReads += 1
                    break
                }
            }
        }
        pending[hash] = (time, slot)
        pendingOrder.append((hash, time))
    }

    private mutating func expire(before limit: Double) {
        while pendingHead < pendingOrder.count, pendingOrder[pendingHead].time < limit {
            let oldest = pendingOrder[pendingHead]
            if pending[oldest.hash]?.time == oldest.time { pending[oldest.hash] = nil }
            pendingHead += 1
        }
        if pendingHead > 65_536 && pendingHead * 2 > pendingOrder.count {
            pendingOrder.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    /// FNV-1a of the client, a separator no text has, and the key.
    static func hash(client: [UInt8], key: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in client { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        hash = (hash ^ 0xFE) &* 0x0000_0100_0000_01B3
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }
}
