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
        engine.store = store
        self.init(engine: engine, node: node, interval: interval, now: now)
    }

    /// The shown node's own state in the engine (created when first set).
    var shownNode: NodeState {
        get { engine.nodes[node] ?? NodeState(node: node, database: 0) }
        set { engine.nodes[node] = newValue }
    }
}

extension NodeState {
    /// Key sampling that found `sampling`.
    mutating func sample(_ sampling: KeyspaceSampling) {
        var feed = KeyspaceFeed(node: node, database: database)
        feed.sampling = sampling
        self.feed = feed
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
