import Foundation
import Telemetry

/// Everything kept for one node: a time column, one ring buffer per series (NaN = gap), the
/// last INFO, the recent slow log and the latency window.
public struct NodeMetrics: Sendable {
    /// The node, as printed.
    public let node: String
    /// Tick times (seconds since 1970), oldest first; one per sample, failed polls included.
    public private(set) var times: RingBuffer<Double>
    private(set) var series: [SeriesKey: RingBuffer<Double>] = [:]
    /// The newest tick's value of each metric by ``Metric/ordinal`` (NaN = absent): what
    /// `latest(_:)` reads, one contiguous table instead of a lookup and a ring
    /// buffer per series (the exposition reads all of them every tick).
    private var newest = [Double](repeating: .nan, count: Metric.allCases.count)
    private var baseline: CounterBaseline?
    private var latency: LatencyWindow
    private var baselines = SpikeBaseline()
    private var surges = SurgeBaseline()
    /// Growth towards the ceilings: memory, clients, the main thread's CPU.
    private var memoryGrowth = GrowthForecast()
    private var clientsGrowth = GrowthForecast()
    private var cpuGrowth = GrowthForecast()
    /// How fast each namespace's memory grows, from the keyspace figures.
    private var namespaceGrowth = NamespaceGrowth()
    /// Figures from outside the poll (key sampling), added to every tick that has a reading.
    private var external: [Metric: Double] = [:]
    /// Labelled metrics (per namespace): the newest values by metric name, then label value.
    private(set) var instances: [Metric: [String: Double]] = [:]
    /// The newest slow-log entries, oldest first.
    public private(set) var slowlog: RingBuffer<SlowlogEntry>
    /// The INFO of the last successful poll that had one.
    public private(set) var lastInfo: InfoSnapshot?
    /// When ``lastInfo`` was taken.
    public private(set) var lastInfoTime: Date?
    /// The INFO before ``lastInfo`` (for per-command rates), from the same server run.
    public private(set) var previousInfo: InfoSnapshot?
    /// When ``previousInfo`` was taken.
    public private(set) var previousInfoTime: Date?
    /// The last INFO that carried `commandstats`, which polls read at a slower pace than the
    /// rest (see ``Telemetry/Poller``), and when it was taken.
    public private(set) var commandStatsInfo: InfoSnapshot?, commandStatsTime: Date?
    /// The `commandstats` INFO before ``commandStatsInfo`` from the same server run (for
    /// per-command rates), and when it was taken.
    public private(set) var previousCommandStatsInfo: InfoSnapshot?, previousCommandStatsTime: Date?
    /// The last reading (successful poll).
    public private(set) var lastReading: Reading?
    /// The failure of the last poll, if it failed.
    public private(set) var lastFailure: PollFailure?
    /// The newest large requests and replies from `COMMANDLOG` (Valkey 8.1+), oldest first: big
    /// values seen in traffic.
    public private(set) var commandLog = RingBuffer<CommandLogEntry>(capacity: 64)
    /// The hottest hash slots at the last poll that read `CLUSTER SLOT-STATS` (Redis 8.2+,
    /// Valkey 8.0+ in cluster mode); `nil` elsewhere.
    public private(set) var hotSlots: SlotActivity.Ranking?
    /// The namespaces living in hot slots, with how many of the keys looked up
    /// (`CLUSTER GETKEYSINSLOT`) each holds, by slot; key names are never kept.
    public private(set) var slotNamespaces: [Int: [String: Int]] = [:]
    /// The hot keys the server measured (`HOTKEYS`, Valkey 9.2+ and Redis 8.6+) at the newest
    /// poll that read them, or from a session cachewatch ran; `nil` where none was read.
    public private(set) var serverHotKeys: ServerHotKeys?
    /// Slow-log entries the server logged but that rotated out before a poll saw them.
    public private(set) var slowlogMissed = 0
    /// Polls that failed.
    public private(set) var failedPolls = 0
    /// Ticks where counters were reset (restart, `CONFIG RESETSTAT`).
    public private(set) var counterResets = 0
    /// When this node last went from replica to primary, as seen by two polls in a row.
    public private(set) var promotedAt: Date?

    init(node: String, capacity: Int, latencyWindow: Int, slowlogCapacity: Int) {
        self.node = node
        times = RingBuffer(capacity: capacity)
        latency = LatencyWindow(capacity: latencyWindow)
        slowlog = RingBuffer(capacity: slowlogCapacity)
    }

    /// How many ticks are held.
    public var count: Int { times.count }

    /// Whether the last poll succeeded.
    public var isUp: Bool { lastFailure == nil && lastReading != nil }

    /// The keys of all series held, including per-database ones, by name.
    public var seriesKeys: [SeriesKey] { series.keys.sorted() }

    /// The series of `key`, aligned with ``times``; `nil` entries are gaps.
    public func values(_ key: SeriesKey) -> [Double?] {
        guard let ring = series[key] else { return Array(repeating: nil, count: times.count) }
        return ring.map { $0.isNaN ? nil : $0 }
    }

    /// The series of `metric`, aligned with ``times``; `nil` entries are gaps.
    public func values(_ metric: Metric) -> [Double?] { values(.metric(metric)) }

    /// The value of `key` at the newest tick, `nil` if absent there.
    public func latest(_ key: SeriesKey) -> Double? {
        if case .metric(let metric) = key { return latest(metric) }
        guard let ring = series[key], let last = ring.last, !last.isNaN else { return nil }
        return last
    }

    /// Whether `key` ever had a value on this node (a series exists once it did).
    public func hasSeries(_ key: SeriesKey) -> Bool { series[key] != nil }

    /// The values of `key` at ticks from `start` (seconds since 1970) on, oldest first, gaps
    /// left out. Walks back from the newest tick only as far as the window reaches.
    public func points(_ key: SeriesKey, since start: Double) -> [(time: Double, value: Double)] {
        guard let ring = series[key] else { return [] }
        var points: [(time: Double, value: Double)] = []
        var index = times.count - 1
        while index >= 0, times[index] >= start {
            if !ring[index].isNaN { points.append((times[index], ring[index])) }
            index -= 1
        }
        return points.reversed()
    }

    /// The value of `metric` at the newest tick, `nil` if absent there.
    public func latest(_ metric: Metric) -> Double? {
        let value = newest[metric.ordinal]
        return value.isNaN ? nil : value
    }

    /// All values of the newest tick by series (absent series left out).
    public var latestValues: [SeriesKey: Double] {
        series.compactMapValues { ring in ring.last.flatMap { $0.isNaN ? nil : $0 } }
    }

    /// The newest values of a labelled metric by label value (e.g. namespace), `nil` if it was
    /// never set on this node (no key sampling).
    public func instances(_ metric: Metric) -> [String: Double]? { instances[metric] }

    /// Every labelled metric set on this node, with its newest values by label value.
    public var labelledInstances: [Metric: [String: Double]] { instances }

    /// One instance's newest value of a labelled metric: `nil` when the metric is not reported
    /// on this node; 0 for a keyspace-event figure counted here but not for this instance (no
    /// event in the interval), absent for any other.
    public func value(_ metric: Metric, instance: String) -> Double? {
        guard let values = instances[metric] else { return nil }
        return values[instance] ?? (metric.comesFromKeyspaceEvents ? 0 : nil)
    }

    /// Replaces the values of a labelled metric; `nil` makes it not reported (a gap).
    mutating func setInstances(_ metric: Metric, _ values: [String: Double]?) {
        instances[metric] = values
    }

    /// Sets a figure that comes from elsewhere than INFO (the key sampler's forecast, say); it
    /// is recorded with every following successful tick until set again.
    mutating func setExternal(_ metric: Metric, _ value: Double?) {
        external[metric] = value
    }

    /// Records what key sampling found on the node: the node-level figures with its next ticks,
    /// the per-namespace ones as they are now.
    public mutating func record(_ keyspace: KeyspaceFigures) {
        let figures = keyspace.ruleFigures
        for (metric, value) in figures.perNode { setExternal(metric, value) }
        for (metric, values) in figures.perNamespace { setInstances(metric, values) }
        setInstances(.namespaceGrowthBytesPerSec, namespaceGrowth.update(keyspace))
    }

    /// The times to the ceilings at this tick: memory (to `maxmemory`, else the machine's
    /// memory where known), clients (`maxclients`), the main thread's CPU (one core), each
    /// absent while it does not grow.
    private mutating func forecast(_ values: inout [SeriesKey: Double], time: Double, systemMemory: Double?) {
        if let used = values[metric: .usedMemoryBytes] {
            memoryGrowth.add(used, at: time)
            let maxmemory = values[metric: .maxmemoryBytes] ?? 0
            if let limit = maxmemory > 0 ? maxmemory : systemMemory, limit > 0,
                let eta = memoryGrowth.secondsUntil(limit, at: time, noise: limit * 0.0005)
            {
                values[metric: .memoryFullEtaSeconds] = eta
            }
        }
        if let clients = values[metric: .clientsConnected], let ratio = values[metric: .clientsUsedRatio], ratio > 0 {
            let limit = clients / ratio
            clientsGrowth.add(clients, at: time)
            if let eta = clientsGrowth.secondsUntil(limit, at: time, noise: max(0.5, limit * 0.001)) {
                values[metric: .clientsFullEtaSeconds] = eta
            }
        }
        if let cpu = values[metric: .mainThreadCPURatio] {
            cpuGrowth.add(cpu, at: time)
            if let eta = cpuGrowth.secondsUntil(1, at: time, noise: 0.005) {
                values[metric: .mainThreadCPUFullEtaSeconds] = eta
            }
        }
    }

    /// The namespaces of a hot slot, most keys first (`search:* 40, user:* 12`); `nil` when not
    /// looked up.
    public func namespaces(inSlot slot: Int) -> [(namespace: String, keys: Int)]? {
        slotNamespaces[slot].map { counts in
            counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { (namespace: $0.key, keys: $0.value) }
        }
    }

    /// The hot slots' figures and, for slots just looked up, their namespaces (the names are
    /// reduced to namespaces here and dropped); namespaces of slots no longer hot are let go.
    private mutating func setHotSlots(_ ranking: SlotActivity.Ranking, keys: [Int: [[UInt8]]]) {
        hotSlots = ranking
        for (slot, names) in keys {
            var counts: [String: Int] = [:]
            for name in names { counts[NamespacePattern.of(name), default: 0] += 1 }
            slotNamespaces[slot] = counts
        }
        let hot = Set(ranking.slots.map(\.slot))
        slotNamespaces = slotNamespaces.filter { hot.contains($0.key) }
        var cpu: [String: Double] = [:]
        var share: [String: Double] = [:]
        var network: [String: Double] = [:]
        var keyCounts: [String: Double] = [:]
        for slot in ranking.slots {
            let label = String(slot.slot)
            cpu[label] = slot.cpuMicrosecondsPerSecond.map { $0 / 10_000 }
            share[label] = slot.cpuShare
            network[label] = slot.networkBytesPerSecond
            keyCounts[label] = Double(slot.keys)
        }
        if ranking.keepsTraffic {
            instances[.slotCPUPercent] = cpu
            instances[.slotCPUShare] = share
            instances[.slotNetworkBytesPerSec] = network
        }
        instances[.slotKeys] = keyCounts
    }

    /// Hot keys exposed as labelled metrics, at most: enough for an incident, few enough for a
    /// time-series database's label cardinality.
    public static let exposedHotKeys = 20

    /// Takes the hot keys the server measured: kept whole for the views, the hottest
    /// ``exposedHotKeys`` as labelled metrics. A Redis poll that finds no session keeps the
    /// result of one cachewatch ran (read from its own session, which it reset).
    public mutating func record(_ hotKeys: ServerHotKeys) {
        if hotKeys.source == .redisSession, hotKeys.entries.isEmpty, !hotKeys.isTracking,
            let kept = serverHotKeys, kept.source == .redisSession, !kept.entries.isEmpty
        {
            return
        }
        serverHotKeys = hotKeys
        var accesses: [String: Double] = [:]
        var cpu: [String: Double] = [:]
        var network: [String: Double] = [:]
        for entry in hotKeys.entries.prefix(Self.exposedHotKeys) {
            let name = entry.instanceName
            accesses[name] = entry.accessesPerSecond
            cpu[name] = entry.cpuPercent
            network[name] = entry.networkBytesPerSecond
        }
        instances[.hotkeyAccessesPerSec] = hotKeys.source == .valkeyWindow ? accesses : nil
        instances[.hotkeyCPUPercent] = hotKeys.source == .redisSession ? cpu : nil
        instances[.hotkeyNetworkBytesPerSec] = hotKeys.source == .redisSession ? network : nil
    }

    /// The per-replica figures of a primary (none on a replica).
    private mutating func setReplicaInstances(_ info: InfoSnapshot) {
        var lagBytes: [String: Double] = [:]
        var ackSeconds: [String: Double] = [:]
        var online: [String: Double] = [:]
        if info.isPrimary {
            for replica in info.replication.replicas {
                let name =
                    replica.ip.contains(":") ? "[\(replica.ip)]:\(replica.port)" : "\(replica.ip):\(replica.port)"
                if let offset = info.replication.replicationOffset {
                    lagBytes[name] = Double(max(0, offset - replica.offset))
                }
                ackSeconds[name] = Double(replica.lag)
                online[name] = replica.state == "online" ? 1 : 0
            }
        }
        instances[.replicaLagBytes] = lagBytes
        instances[.replicaAckSeconds] = ackSeconds
        instances[.replicaOnline] = online
    }

    /// Where the usual level of `ratio` (``Metric/opsSurgeRatio``…) came from at the newest
    /// tick: history's same time of day, the trailing half hour, or a surge adopted; `nil` while
    /// there is none.
    public func surgeReference(for ratio: Metric) -> SurgeReference? { surges.reference(for: ratio) }

    /// Adds a sample; `usual` is what history says of the sample's time of day (surge ratios).
    mutating func ingest(_ sample: Sample, usual: UsualRates? = nil) {
        let time = sample.time.timeIntervalSince1970
        var values: [SeriesKey: Double] = [:]
        switch sample.outcome {
        case .failure(let failure):
            failedPolls += 1
            lastFailure = failure
            values[metric: .up] = 0
        case .reading(let reading):
            lastFailure = nil
            lastReading = reading
            let derived = DerivedMetrics.values(reading: reading, time: sample.time, previous: baseline)
            values = derived.values
            if derived.reset { counterResets += 1 }
            baselines.update(&values, time: time)
            surges.update(&values, time: time, usual: usual)
            if derived.reset {
                memoryGrowth.reset()
                clientsGrowth.reset()
                cpuGrowth.reset()
            }
            forecast(&values, time: time, systemMemory: reading.info?.memory.totalSystem.map(Double.init))
            values.merge(external.map { (SeriesKey.metric($0.key), $0.value) }) { polled, _ in polled }
            // A new connection's first round trip pays for cold paths on both ends (and, at
            // start-up, for cachewatch's own start): it stays out of the percentiles.
            if let rtt = reading.pingRTT, !reading.isNewConnection { latency.record(rtt) }
            if let window = latency.percentiles() {
                values[metric: .pingP50Ms] = window.p50
                values[metric: .pingP99Ms] = window.p99
                values[metric: .pingMaxMs] = window.max
            }
            for entry in reading.commandLog { commandLog.append(entry) }
            if let ranking = reading.hotSlots { setHotSlots(ranking, keys: reading.slotKeys) }
            if let hotKeys = reading.serverHotKeys { record(hotKeys) }
            if let delta = reading.slowlog {
                for entry in delta.entries { slowlog.append(entry) }
                slowlogMissed += delta.missed
            }
            if let info = reading.info {
                if lastInfo?.replication.role == .replica && info.isPrimary { promotedAt = sample.time }
                if !info.isPrimary { promotedAt = nil }
                if let promotedAt, sample.time.timeIntervalSince(promotedAt) < 600 {
                    values[metric: .secondsSincePromotion] = sample.time.timeIntervalSince(promotedAt)
                }
                setReplicaInstances(info)
                let sameRun = lastInfo?.server.runID == info.server.runID
                previousInfo = sameRun ? lastInfo : nil
                previousInfoTime = sameRun ? lastInfoTime : nil
                lastInfo = info
                lastInfoTime = sample.time
                if info.sectionNames.contains("commandstats") {
                    let sameRunStats = commandStatsInfo?.server.runID == info.server.runID
                    previousCommandStatsInfo = sameRunStats ? commandStatsInfo : nil
                    previousCommandStatsTime = sameRunStats ? commandStatsTime : nil
                    commandStatsInfo = info
                    commandStatsTime = sample.time
                }
                baseline = CounterBaseline(info: info, time: sample.time, own: reading.ownTraffic)
                baseline?.inFlight = derived.inFlight
                baseline?.ownAtStatsStart = derived.ownAtStatsStart
            }
        }
        append(time: time, values: values)
    }

    fileprivate mutating func append(time: Double, values: [SeriesKey: Double]) {
        let previousCount = times.count
        times.append(time)
        for name in values.keys where series[name] == nil {
            // A series that appears late is padded with gaps so that it aligns with `times`.
            var ring = RingBuffer<Double>(capacity: times.capacity)
            for _ in 0..<previousCount { ring.append(.nan) }
            series[name] = ring
        }
        // In place, by index: iterating the keys while writing through the dictionary's
        // subscript would look each key up again.
        var index = series.startIndex
        while index != series.endIndex {
            let key = series.keys[index]
            let value = values[key] ?? .nan
            series.values[index].append(value)
            if case .metric(let metric) = key { newest[metric.ordinal] = value }
            series.formIndex(after: &index)
        }
    }
}

extension NodeMetrics {
    /// The tick of `sample` (one this node ingested, the newest if the time is not found), as a
    /// recording keeps it: the series' values at that tick, the labelled metrics now, and what
    /// the sample read.
    public func tick(of sample: Sample) -> NodeTick {
        let time = sample.time.timeIntervalSince1970
        var index = times.count - 1
        while index > 0, times[index] != time { index -= 1 }
        if index < 0 || times[index] != time { index = times.count - 1 }
        var values: [SeriesKey: Double] = [:]
        if index >= 0 {
            for (key, ring) in series where !ring[index].isNaN { values[key] = ring[index] }
        }
        let reading = sample.reading
        var tick = NodeTick(
            time: time, failure: sample.failure, values: values, instances: instances,
            info: reading?.info?.sections, unavailable: reading?.unavailable ?? [:],
            slowlog: reading?.slowlog?.entries ?? [])
        tick.commandLog = reading?.commandLog ?? []
        if reading?.hotSlots != nil {
            tick.hotSlots = hotSlots
            tick.slotNamespaces = slotNamespaces
        }
        return tick
    }

    /// Takes a recorded tick as if its poll had just been ingested: the same series values and
    /// labelled metrics (nothing is derived again), the same INFO, refusals and slow log.
    public mutating func restore(_ tick: NodeTick) {
        if let failure = tick.failure {
            failedPolls += 1
            lastFailure = failure
        } else {
            lastFailure = nil
            var info: InfoSnapshot?
            if let sections = tick.info {
                let snapshot = InfoSnapshot(sections: sections)
                let time = Date(timeIntervalSince1970: tick.time)
                let sameRun = lastInfo?.server.runID == snapshot.server.runID
                previousInfo = sameRun ? lastInfo : nil
                previousInfoTime = sameRun ? lastInfoTime : nil
                lastInfo = snapshot
                lastInfoTime = time
                if snapshot.sectionNames.contains("commandstats") {
                    let sameRunStats = commandStatsInfo?.server.runID == snapshot.server.runID
                    previousCommandStatsInfo = sameRunStats ? commandStatsInfo : nil
                    previousCommandStatsTime = sameRunStats ? commandStatsTime : nil
                    commandStatsInfo = snapshot
                    commandStatsTime = time
                }
                info = snapshot
            }
            lastReading = Reading(info: info, slowlog: nil, pingRTT: nil, unavailable: tick.unavailable)
            for entry in tick.slowlog { slowlog.append(entry) }
            for entry in tick.commandLog { commandLog.append(entry) }
            if let ranking = tick.hotSlots {
                hotSlots = ranking
                slotNamespaces = tick.slotNamespaces
            }
        }
        instances = tick.instances
        append(time: tick.time, values: tick.values)
    }
}
