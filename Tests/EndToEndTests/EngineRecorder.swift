import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import RedisClient
import Synchronization
import Telemetry

/// The engine as `cachewatch watch` runs it, observed: every batch of its events is applied to
/// an ``EngineState`` by the engine's own step, and every alert event is kept with the time of
/// the poll that caused it.
final class EngineRecorder: Sendable {
    private struct Record: Sendable {
        var state: EngineState
        var events: [AlertEvent] = []
        var polls = 0
        var failures: [String] = []
    }

    private let record: Mutex<Record>

    init(state: EngineState) { record = Mutex(Record(state: state)) }

    /// One step of the engine.
    func apply(_ batch: [FleetEvent], now: Date) {
        record.withLock { record in
            let outcome = record.state.apply(batch, now: now)
            record.polls += outcome.samples.count
            record.failures += outcome.samples.compactMap { $0.failure?.message }
            record.events += outcome.alertEvents
        }
    }

    /// Events so far, oldest first.
    var events: [AlertEvent] { record.withLock { $0.events } }
    /// Polls so far.
    var polls: Int { record.withLock { $0.polls } }
    /// Poll failures (a healthy run has none).
    var failures: [String] { record.withLock { $0.failures } }
    /// Alerts pending now.
    var pending: [Alert] { record.withLock { $0.state.ruleEngine.pending } }

    /// The newest value of a metric on the node.
    func latest(_ metric: Metric) -> Double? {
        record.withLock { record in
            record.state.store.nodeNames.first.flatMap { record.state.store[$0]?.latest(metric) }
        }
    }

    /// A metric's values from `start` on, as `seconds-after-start=value` (for failure messages).
    func trace(_ metric: Metric, from start: Date) -> String {
        record.withLock { record in
            guard let node = record.state.store.nodeNames.first, let series = record.state.store[node] else {
                return ""
            }
            return series.points(.metric(metric), since: start.timeIntervalSince1970).map {
                String(format: "%.1f=%.2f", $0.time - start.timeIntervalSince1970, $0.value)
            }.joined(separator: " ")
        }
    }
}

/// Runs the real engine on `endpoint` — polls every `interval`, samples `keysPerSecond` keys a
/// second, evaluates `rules` — while `body` runs; everything is stopped and every connection
/// closed when it returns or throws.
func withEngine<Result: Sendable>(
    watching endpoint: Endpoint, interval: Duration, keysPerSecond: Int, rules: [AlertRule] = DefaultRules.rules,
    keyEvents: Bool = false, _ body: (EngineRecorder) async throws -> Result
) async throws -> Result {
    let configuration = FleetConfiguration(
        interval: interval, sampling: KeySamplerConfiguration(keysPerSecond: keysPerSecond), fixedSampleRate: true,
        clusterMode: .off, keyEvents: keyEvents)
    return try await MonitoringEngine.run(targets: [NodeTarget(endpoint: endpoint)], configuration: configuration) {
        engine in
        let recorder = EngineRecorder(state: engine.makeState(rules: rules))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { for await batch in engine.events { recorder.apply(batch, now: Date()) } }
            defer { group.cancelAll() }
            return try await body(recorder)
        }
    }
}
