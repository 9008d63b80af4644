import Alerts
import Dashboard
import Foundation
import Telemetry

@testable import Engine
@testable import Metrics

/// What the engine would have built, set directly for screen tests: the dashboard draws from the
/// engine's state, and these put figures there without running sources.
extension DashboardState {
    /// A state showing `node` of an engine that holds `store` and no rules.
    init(store: MetricStore, node: String, interval: Double, now: Date) {
        var engine = EngineState()
        engine.store = NodeTable(store)
        self.init(engine: engine, node: node, interval: interval, now: now)
    }

    /// The shown node's own state in the engine (created when first set).
    var shownNode: NodeState {
        get {
            engine.node(node)
                ?? NodeState(metrics: NodeMetrics(node: node, capacity: 2, latencyWindow: 1, slowlogCapacity: 1))
        }
        set {
            engine.store.update(node) { state in
                // A state made here for a node the table did not hold keeps the table's series.
                let metrics = state.metrics
                state = newValue
                if newValue.metrics.count == 0 { state.metrics = metrics }
            }
        }
    }
}

extension NodeState {
    /// Key sampling that found `sampling`, its figures taken when it was last updated.
    mutating func sample(_ sampling: KeyspaceSampling) {
        var feed = KeyspaceFeed(node: node, database: 0)
        feed.sampling = sampling
        self.feed = feed
        keyspace = KeyspaceFigures(sampling, now: sampling.updatedAt ?? Date(timeIntervalSince1970: 0))
    }
}

extension NamespaceEventTrend {
    /// A trend holding `series`.
    init(series: [String: [Double]]) {
        var trend = NamespaceEventTrend()
        trend.series = series
        self = trend
    }
}
