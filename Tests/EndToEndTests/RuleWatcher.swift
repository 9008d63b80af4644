import Alerts
import Foundation
import Metrics
import RedisClient
import Telemetry

/// The headless engine as `cachewatch watch` runs it, in-process: a poller and a key sampler on
/// connections of their own feed one store; the rules are evaluated after every poll. Every
/// event is kept with the time of the poll that caused it.
actor RuleWatcher {
    private var store = MetricStore()
    private var engine: RuleEngine
    private var keyspace = KeyspaceSampling()
    private let database = 0
    /// Events so far, oldest first.
    private(set) var events: [AlertEvent] = []
    /// Polls so far.
    private(set) var polls = 0
    /// Poll failures (a healthy run has none).
    private(set) var failures: [String] = []
    private var tasks: [Task<Void, Never>] = []

    init(rules: [AlertRule] = DefaultRules.rules) {
        engine = RuleEngine(rules: rules)
    }

    /// Starts polling `endpoint` every `interval` and sampling `keysPerSecond` keys a second.
    func start(_ endpoint: Endpoint, interval: Duration, keysPerSecond: Int) {
        let ownTraffic = OwnTraffic()
        let poller = Poller(connection: ManagedConnection(endpoint: endpoint), ownTraffic: ownTraffic)
        let sampler = KeySampler(
            connection: ManagedConnection(endpoint: endpoint),
            configuration: KeySamplerConfiguration(keysPerSecond: keysPerSecond), ownTraffic: ownTraffic)
        tasks.append(
            Task.detached { [self] in
                await poller.run(every: interval) { sample in await self.ingest(sample) }
            })
        tasks.append(
            Task.detached { [self] in
                await sampler.run { keys, finished, _ in await self.add(keys, finishedPass: finished) }
            })
    }

    /// Stops polling and sampling.
    func stop() {
        for task in tasks { task.cancel() }
        tasks = []
    }

    /// Alerts firing now.
    var firing: [Alert] { engine.firing }

    /// Alerts pending now.
    var pending: [Alert] { engine.pending }

    /// The newest value of a metric on the node.
    func latest(_ metric: Metric) -> Double? { store.nodeNames.first.flatMap { store[$0]?.latest(metric) } }

    /// A metric's values from `start` on, as `seconds-after-start=value` (for failure messages).
    func trace(_ metric: Metric, from start: Date) -> String {
        guard let node = store.nodeNames.first, let series = store[node] else { return "" }
        return series.points(metric.rawValue, since: start.timeIntervalSince1970).map {
            String(format: "%.1f=%.2f", $0.time - start.timeIntervalSince1970, $0.value)
        }.joined(separator: " ")
    }

    private func ingest(_ sample: Sample) {
        polls += 1
        if let failure = sample.failure { failures.append(failure.message) }
        store.ingest(sample)
        events += engine.eval(now: sample.time, store: store)
    }

    private func add(_ keys: [KeyMetadata], finishedPass: Bool) {
        guard let node = store.nodeNames.first else { return }
        let total = store[node]?.lastInfo?.keyspace[database]?.keys
        keyspace.add(keys, finishedPass: finishedPass, totalKeys: total, now: Date())
        store.record(keyspace, node: node, now: Date())
    }
}
