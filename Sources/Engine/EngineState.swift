import Alerts
import Fleet
import Foundation
import Metrics
import Telemetry

/// Everything the engine knows, and its one step: ``apply(_:now:)`` turns a batch of events into
/// store updates, key figures, rule evaluations and the recent-events ring — the same way for the
/// dashboard, `watch`, `check`, `snapshot` and the tests. A pure value: the clock is injected, no
/// task or server is involved.
public struct EngineState: Sendable {
    /// Everything known of each node, one ``NodeState`` per node keyed by its name: the series
    /// the rules and the exposition read, and the rest (see ``NodeState``).
    public internal(set) var store: NodeTable<NodeState>
    /// The rule engine (firing and pending alerts, rule health).
    public internal(set) var ruleEngine: RuleEngine
    /// The newest alert events, oldest first (at most ``recentEventLimit``).
    public internal(set) var recentEvents: [AlertEvent] = []
    /// The cluster's topology, when watching one.
    public internal(set) var topology: ClusterTopology?
    /// The Sentinel group, when its primary was found through Sentinel.
    public internal(set) var sentinelGroup: SentinelGroup?
    /// Whether the group's primary had not reported when the group came: its figures are set at
    /// its first sample.
    private var sentinelFiguresPending = false
    /// The database each node's keys are sampled in (0 for nodes not listed: cluster nodes).
    public let databases: [String: Int]
    /// How many alert events ``recentEvents`` keeps.
    public let recentEventLimit: Int
    /// The state changes already told (one notice each).
    private var toldKeyEventStates: Set<String> = []
    /// The nodes shown from an RDB file (``adopt(_:node:now:)``).
    private var dumpedNodes: [String] = []

    /// The per-namespace metric of each event kind.
    static let keyEventMetrics: [KeyEventKind: Metric] = [
        .evicted: .namespaceEvictedPerSec, .expired: .namespaceExpiredPerSec, .keymiss: .namespaceMissesPerSec,
        .deleted: .namespaceDeletedPerSec, .overwritten: .namespaceOverwrittenPerSec, .created: .namespaceNewPerSec,
    ]

    /// Creates an empty state.
    ///
    /// - Parameters:
    ///   - historyTicks: the samples of history kept per node.
    ///   - rules: the rules evaluated after each step with samples.
    ///   - inhibitions: which firing alerts explain which others (incidents).
    ///   - databases: the database sampled per node.
    ///   - recentEventLimit: the alert events kept for display and snapshots.
    ///   - seasonalHistory: where the usual traffic of a time of day is read (a recording of
    ///     earlier runs), for the surge ratios.
    public init(
        historyTicks: Int = 3600, rules: [AlertRule] = [], inhibitions: [Inhibition] = [],
        databases: [String: Int] = [:], recentEventLimit: Int = 200, seasonalHistory: (any SeasonalHistory)? = nil
    ) {
        store = NodeTable(capacity: historyTicks)
        store.seasonalHistory = seasonalHistory
        ruleEngine = RuleEngine(rules: rules, inhibitions: inhibitions)
        self.databases = databases
        self.recentEventLimit = recentEventLimit
    }

    /// Shows `node`'s keyspace from `dump` (its RDB file) instead of key sampling's estimates:
    /// in the keyspace view, the rules and snapshots, its figures taken again every few seconds
    /// as time moves on from the dump.
    public mutating func adopt(_ dump: KeyspaceDump, node: String, now: Date) {
        modify(node) { state in
            state.dump = dump
            state.refreshDump(now: now, force: true)
        }
        if !dumpedNodes.contains(node) { dumpedNodes.append(node) }
    }

    /// All the engine knows of `node` (before its first poll too, once anything was).
    public func node(_ name: String) -> NodeState? { store.record(of: name) }

    /// The key sampling of `node`, if it is sampled.
    public func sampling(of node: String) -> KeyspaceSampling? { store.record(of: node)?.sampling }

    /// The key sampling of every sampled node.
    public var samplings: [String: KeyspaceSampling] {
        var samplings: [String: KeyspaceSampling] = [:]
        for record in store.records { samplings[record.node] = record.sampling }
        return samplings
    }

    /// The keyspace figures of every sampled node, as last taken (or restored from a recording).
    public var keyspaces: [String: KeyspaceFigures] {
        var keyspaces: [String: KeyspaceFigures] = [:]
        for record in store.records { keyspaces[record.node] = record.keyspace }
        return keyspaces
    }

    /// Changes the state of `node` in place, made on first use.
    private mutating func modify<Result>(_ node: String, _ body: (inout NodeState) -> Result) -> Result {
        store.update(node, body)
    }

    /// Alerts firing or pending now.
    public var activeAlerts: [Alert] { ruleEngine.firing + ruleEngine.pending }

    /// Gives `group`'s primary the sentinels' figures.
    private mutating func setSentinelFigures(_ group: SentinelGroup) {
        let node = group.primaryNode
        store.setExternal(node: node, .sentinelsReachable, Double(group.reachable.count))
        store.setExternal(node: node, .sentinelQuorumOK, group.hasQuorum ? 1 : 0)
        store.setExternal(node: node, .sentinelsTilted, Double(group.tilted.count))
        store.setExternal(node: node, .sentinelsDisagreeing, Double(group.disagreeing.count))
    }

    /// The figures a Sentinel group gives its primary.
    static let sentinelMetrics: [Metric] = [
        .sentinelsReachable, .sentinelQuorumOK, .sentinelsTilted, .sentinelsDisagreeing,
    ]

    /// Applies `events` in order, then evaluates the rules once — at the newest sample's time,
    /// on the nodes that reported (a step without samples evaluates nothing).
    ///
    /// - Parameter now: the wall-clock time of the step; key batches of a node not polled yet
    ///   are stamped with it (otherwise with the node's last poll).
    public mutating func apply(_ events: [FleetEvent], now: Date) -> EngineOutcome {
        var outcome = EngineOutcome()
        for event in events {
            switch event {
            case .sample(let sample):
                store.ingest(sample)
                // The sentinels' figures ride on the primary's ticks: kept by its series once
                // set, which waits for the primary's first sample when the group came first.
                if sentinelFiguresPending, let group = sentinelGroup, group.primaryNode == sample.node {
                    setSentinelFigures(group)
                    sentinelFiguresPending = false
                }
                outcome.samples.append(sample)
            case .keys(let node, let keys, let finished, let unavailable):
                let batch = KeyspaceFeed.Batch(keys: keys, finishedPass: finished, unavailable: unavailable)
                let stamp = store[node]?.times.last.map(Date.init(timeIntervalSince1970:)) ?? now
                let database = databases[node] ?? 0
                let policy = store[node]?.lastInfo?.memory.maxmemoryPolicy
                let (refusals, propensity) = modify(node) { state in
                    state.propensity.add(keys, policy: policy, namespace: NamespacePattern.of)
                    // A node shown from its dump keeps the dump's figures: sampled keys feed the
                    // eviction estimate (and key lives, upstream) only.
                    let refusals = state.dump == nil ? state.add(batch, database: database, now: stamp) : []
                    return (refusals, state.propensity.multipliers())
                }
                // Which namespaces go first when the node evicts (nothing under a random or TTL policy).
                store.setInstances(node: node, .namespaceEvictionPropensity, propensity.isEmpty ? nil : propensity)
                for reason in refusals { outcome.notices.append("key sampling on \(node): \(reason)") }
                outcome.keysChanged = true
            case .topology(let found, let changes):
                topology = found
                // A cluster samples its primaries: a primary demoted by a failover lets its key
                // model go, and its per-namespace figures with it — kept, they would describe
                // its keys as they were at the failover for as long as it stays a replica (and
                // every failover would add a model: the soak's memory grew by one each time).
                let primaries = Set(found.primaries.map(\.name))
                let replicas = Set(found.nodes.map(\.name)).subtracting(primaries)
                for name in replicas where store.record(of: name)?.feed != nil {
                    modify(name) { state in
                        state.feed = nil
                        state.keyspace = nil
                        state.metrics.record(KeyspaceFigures(KeyspaceSampling(), now: now))
                    }
                }
                outcome.topologyChanged = true
                outcome.notices += changes.map(\.description)
            case .sentinel(let group, let changes):
                let formerPrimary = sentinelGroup?.primaryNode
                sentinelGroup = group
                // A primary demoted by a failover lets its key model go (as in a cluster).
                if let formerPrimary, formerPrimary != group.primaryNode, store.record(of: formerPrimary)?.feed != nil {
                    modify(formerPrimary) { state in
                        state.feed = nil
                        state.keyspace = nil
                        state.metrics.record(KeyspaceFigures(KeyspaceSampling(), now: now))
                    }
                }
                // The sentinels' figures go with the primary's ticks, where the rules read them.
                if let formerPrimary, formerPrimary != group.primaryNode {
                    for metric in Self.sentinelMetrics { store.setExternal(node: formerPrimary, metric, nil) }
                }
                setSentinelFigures(group)
                sentinelFiguresPending = store[group.primaryNode] == nil
                outcome.topologyChanged = outcome.topologyChanged || !changes.isEmpty
                outcome.notices += changes.map(\.description)
            case .nodeRemoved(let name):
                // A node that left the cluster is dropped whole: no stale rows, no stale alerts.
                store.remove(node: name)
                outcome.topologyChanged = true
            case .notice(let text):
                outcome.notices.append(text)
            case .keyLives(let node, let report):
                guard store[node] != nil else { continue }
                let propensity = modify(node) { $0.propensity.multipliers() }
                let evictions = evictionEvidence(node, propensity: propensity)
                let figures = modify(node) { state in
                    var invalidation = state.invalidation ?? NamespaceInvalidation()
                    invalidation.add(
                        report.ends, tracked: report.tracked, watchedSeconds: report.watchedSeconds,
                        evictions: evictions, now: now)
                    state.invalidation = invalidation
                    return invalidation.figures
                }
                for (metric, values) in figures { store.setInstances(node: node, metric, values) }
                outcome.keysChanged = true
            case .keyEvents(let node, let tally):
                guard case .subscribed(let kinds, _)? = store.record(of: node)?.keyEvents, store[node] != nil else {
                    continue
                }
                for (kind, metric) in Self.keyEventMetrics {
                    // An interval the subscription did not hold throughout is a gap, not a zero,
                    // and a kind the server does not publish is not reported at all.
                    let rates = kinds.contains(kind) && tally.isComplete ? tally.ratesPerSecond(kind) : nil
                    store.setInstances(node: node, metric, rates)
                }
                modify(node) { $0.eventTrend.add(tally) }
                // How keys end, counted for every key where expirations, evictions and deletions
                // are published (the TTL a namespace's keys carry comes from key sampling).
                if kinds.isSuperset(of: [.expired, .evicted, .deleted]) {
                    let model = store.record(of: node)?.sampling?.model
                    var ttls: [String: Double] = [:]
                    for name in tally.counts.keys {
                        if let maximum = model?.maximumTTL(of: name) { ttls[name] = Double(maximum) / 1000 }
                    }
                    let figures = modify(node) { state in
                        var invalidation = state.invalidation ?? NamespaceInvalidation()
                        invalidation.addEvents(
                            tally.counts, kinds: kinds, ttlSeconds: ttls, refills: tally.refills, now: tally.until)
                        state.invalidation = invalidation
                        return invalidation.figures
                    }
                    for (metric, values) in figures { store.setInstances(node: node, metric, values) }
                }
                modify(node) { state in
                    for (namespace, kinds) in tally.counts where (kinds[.evicted] ?? 0) > 0 {
                        state.lastEvictions[namespace] = tally.until
                    }
                }
                if kinds.isSuperset(of: [.expired, .keymiss]) {
                    let stampeding = modify(node) { $0.stampede.add(tally) }
                    store.setInstances(node: node, .namespaceStampedeMissesPerSec, stampeding)
                }
                // Events lost while the subscription was down belong to the poll interval that
                // ends with this tally (the tally itself may start at a resubscription just
                // before the poll): the rate is over that interval.
                let previousPoll = store[node]?.times.last.map(Date.init(timeIntervalSince1970:)) ?? tally.since
                let seconds = max(tally.until.timeIntervalSince(min(previousPoll, tally.since)), 0.001)
                store.setExternal(node: node, .eventsDroppedPerSec, tally.lost.map { Double($0) / seconds })
                outcome.keysChanged = true
            case .keyEventState(_, .settingChanged(let line)):
                outcome.notices.append(line)
            case .keyEventState(let node, let state):
                modify(node) { $0.keyEvents = state }
                if case .subscribed = state {
                } else {
                    // Not receiving: what was lost is found at the next subscription.
                    store.setExternal(node: node, .eventsDroppedPerSec, nil)
                }
                if let notice = Self.notice(for: state, node: node), toldKeyEventStates.insert(notice).inserted {
                    outcome.notices.append(notice)
                }
            }
        }
        // Dumps' figures move with time (TTLs count down, waves come closer).
        for name in dumpedNodes { modify(name) { $0.refreshDump(now: now) } }
        if let newest = outcome.newestSampleTime {
            outcome.alertEvents = ruleEngine.eval(now: newest, store: store, nodes: Set(outcome.samples.map(\.node)))
            outcome.evaluated = true
            recentEvents += outcome.alertEvents
            if recentEvents.count > recentEventLimit { recentEvents.removeFirst(recentEvents.count - recentEventLimit) }
        }
        return outcome
    }

    /// Takes a recorded tick of `node` as if its poll had just been applied (a replay: the
    /// series, labelled metrics, INFO and slow log as they were; nothing is derived again).
    public mutating func restore(_ tick: NodeTick, node: String) {
        store.restore(tick, node: node)
        // The trend of evictions + misses per namespace, from the ticks that keep their
        // per-namespace rates (a replay restores them for the last 30 ticks or more).
        let evicted = tick.instances[.namespaceEvictedPerSec]
        let misses = tick.instances[.namespaceMissesPerSec]
        if evicted != nil || misses != nil {
            modify(node) { $0.eventTrend.add(evicted: evicted ?? [:], misses: misses ?? [:], isComplete: true) }
        }
    }

    /// Takes a node's keyspace figures, key ends and newest profile as recorded (a replay):
    /// what its keyspace views show.
    public mutating func restore(
        _ keyspace: KeyspaceFigures?, keyEnds: KeyEndsSummary?, profile: ProfileReport?, node: String
    ) {
        modify(node) {
            $0.keyspace = keyspace
            $0.recordedKeyEnds = keyEnds
            $0.profile = profile
        }
    }

    /// Takes the alerts active at a recorded moment and the events before it (a replay).
    public mutating func restoreAlerts(active: [Alert], recent: [AlertEvent]) {
        ruleEngine.restore(active: active)
        recentEvents = Array(recent.suffix(recentEventLimit))
    }

    /// Takes in a finished profile (``NamespaceProfiler``): its per-namespace reads, writes,
    /// deletes and hit ratios become the node's labelled metrics (rules read them at the next
    /// evaluation) and stay until the next profile of the node.
    public mutating func apply(profile report: ProfileReport) {
        guard store[report.node] != nil else { return }
        for (metric, values) in report.metricInstances { store.setInstances(node: report.node, metric, values) }
        modify(report.node) { $0.profile = report }
    }

    /// Takes the hot keys a `HOTKEYS` session cachewatch ran measured on `node` (the
    /// dashboard's profile key on Redis 8.6+).
    public mutating func apply(serverHotKeys hotKeys: ServerHotKeys, node: String) {
        store.record(hotKeys, node: node)
    }

    /// What is known of evictions on `node` around tracked keys' ends: its keyspace events where
    /// they count evictions per namespace, else its eviction counter — whether it evicted in a
    /// span (a key removed early is not called deleted when unsure) and, from its rate over the
    /// last 10 s and the keys its policy may evict, the chance a second that one given key
    /// goes, `propensity` saying how much likelier each namespace's keys are.
    private func evictionEvidence(
        _ node: String, propensity: [String: Double]
    ) -> NamespaceInvalidation.EvictionEvidence {
        if case .subscribed(let kinds, _)? = store.record(of: node)?.keyEvents, kinds.contains(.evicted) {
            return .namespaceEvents(lastEvicted: store.record(of: node)?.lastEvictions ?? [:])
        }
        guard let metrics = store[node] else {
            return .nodeCounters(evictedBetween: { _, _ in false }, chancePerSecond: 0)
        }
        var chance = 0.0
        if let newest = metrics.times.last, let info = metrics.lastInfo {
            let rates = metrics.points(.metric(.evictedPerSec), since: newest - 10).map(\.value)
            let policy = info.memory.maxmemoryPolicy
            let evictable = policy?.coversVolatileKeys == true ? info.totalKeysWithExpiry : info.totalKeys
            if !rates.isEmpty, evictable > 0 {
                chance = rates.reduce(0, +) / Double(rates.count) / Double(evictable)
            }
        }
        return .nodeCounters(
            evictedBetween: { metrics.evicted(between: $0, and: $1) }, chancePerSecond: chance, propensity: propensity)
    }

    /// The line told once for a subscription state: events off (and how to turn them on, and
    /// what that costs), refused, or counting.
    static func notice(for state: KeyEventSubscriber.State, node: String) -> String? {
        switch state {
        case .off(let flags, let wanted):
            return
                "keyspace events off on \(node) (notify-keyspace-events \"\(flags.text)\"): evictions, expirations, deletions and misses are not counted per namespace; "
                + "to count them: \(flags.enablingCommand(wanted)) (costs the server a publish per event: key misses cost most, see the README)"
        case .refused(let reason):
            return "keyspace events on \(node): \(reason)"
        case .subscribed(let kinds, _):
            return
                "keyspace events on \(node): counting \(kinds.sorted().map(\.name).joined(separator: ", ")) per namespace"
        case .interrupted, .settingChanged:
            return nil
        }
    }

}
