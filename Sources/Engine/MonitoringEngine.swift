import Alerts
import Fleet
import Foundation
import Metrics
import Telemetry

/// The monitoring engine, running: a fleet of pollers and samplers owned by one task group,
/// and the one stream of its events. Obtained inside ``MonitoringEngine/run(targets:configuration:isolation:_:)``,
/// which stops everything and closes every connection before it returns.
public struct MonitoringEngine: Sendable {
    /// The fleet (its node names and topology, as watched now).
    public let fleet: Fleet
    /// The one stream of events; consume it with `for await` or ``EngineEvents/drain()``.
    public let events: EngineEvents
    /// The first poll of the nodes that reported at start (in ``events`` too).
    public let firstSamples: [Sample]
    /// The nodes watched at start, in order.
    public let nodes: [String]
    /// The database each target is sampled in (cluster nodes: 0).
    public let databases: [String: Int]
    /// The wall clock that stamps the sources' readings; consumers stamp their steps with it.
    public let clock: any WallClock
    /// Where the usual traffic of a time of day is read (a recording), if anywhere: the states
    /// made here compare surges with it.
    public let seasonalHistory: (any SeasonalHistory)?
    /// Nodes' keyspaces read from their RDB files: the states made here show them instead of
    /// key sampling's estimates.
    public let keyspaceDumps: [String: KeyspaceDump]

    /// A state to apply this engine's events to, with the databases of its targets.
    ///
    /// - Parameters:
    ///   - historyTicks: the samples of history kept per node.
    ///   - rules: the rules evaluated as samples arrive.
    ///   - inhibitions: which firing alerts explain which others (incidents).
    public func makeState(
        historyTicks: Int = 3600, rules: [AlertRule] = [], inhibitions: [Inhibition] = []
    ) -> EngineState {
        var state = EngineState(
            historyTicks: historyTicks, rules: rules, inhibitions: inhibitions, databases: databases,
            seasonalHistory: seasonalHistory)
        for (node, dump) in keyspaceDumps.sorted(by: { $0.key < $1.key }) {
            state.adopt(dump, node: node, now: clock.now)
        }
        return state
    }

    /// Watches `targets` while `body` runs: discovers the cluster, starts every node's tasks in
    /// one task group, waits for the first samples (every node's, or an interval after the first
    /// answer) and hands the running engine to `body`. When `body` returns or throws, every task
    /// is cancelled and awaited and every connection closed before this returns.
    ///
    /// `seasonalHistory` (a recording of earlier runs) gives the states it makes the usual traffic
    /// of each time of day; `keyspaceDumps` (RDB files read, by node) their keyspaces.
    ///
    /// - Throws: ``FleetError`` when the cluster cannot be discovered as asked; what `body` throws.
    public static func run<Result: Sendable>(
        targets: [NodeTarget], configuration: FleetConfiguration, seasonalHistory: (any SeasonalHistory)? = nil,
        keyspaceDumps: [String: KeyspaceDump] = [:],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MonitoringEngine) async throws -> Result
    ) async throws -> Result {
        let fleet = Fleet(targets: targets, configuration: configuration)
        let plan = try await fleet.discover()
        let events = EngineEvents()
        let databases = Dictionary((targets + plan.targets).map { ($0.name, $0.endpoint.database) }) { first, _ in first
        }
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self, isolation: isolation) { group in
            group.addTask { await fleet.run(plan) { events.push($0) } }
            let engine = MonitoringEngine(
                fleet: fleet, events: events, firstSamples: await fleet.firstSamples(), nodes: plan.targets.map(\.name),
                databases: databases, clock: configuration.clock, seasonalHistory: seasonalHistory,
                keyspaceDumps: keyspaceDumps)
            do {
                let result = try await body(engine)
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
