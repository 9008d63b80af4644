import Alerts
import Engine
import Export

extension WatchLoop {
    /// A headless loop on `engine` printing to the console, with the parts `watch` and
    /// `exporter` share: format, pace, rules, where alerts go and the Prometheus exposition.
    static func console(
        on engine: MonitoringEngine, format: LineFormat, interval: Double, rules: RuleSet, alertsOnly: Bool,
        alertmanager: AlertmanagerSink?, exposition: (@Sendable (PrometheusExposition) -> Void)?,
        namespaceLimit: Int?
    ) -> WatchLoop {
        var loop = WatchLoop(
            engine: engine, output: WatchLoop.Output(standard: ConsoleOutput.line, errors: ConsoleOutput.error))
        loop.format = format
        loop.interval = interval
        loop.rules = rules.rules
        loop.inhibitions = rules.inhibitions
        loop.alertsOnly = alertsOnly
        loop.alertmanager = alertmanager
        loop.exposition = exposition
        if let namespaceLimit { loop.namespaceLimit = namespaceLimit }
        return loop
    }
}
