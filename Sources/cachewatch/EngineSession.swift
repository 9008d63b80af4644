import Engine
import Fleet
import Foundation
import Metrics
import RedisClient
import Telemetry

/// How the commands start the engine: its settings from the command-line options, and a start
/// that tells a typo (wrong port, wrong password) from a server that goes away later.
enum EngineSession {
    /// The fleet settings the command-line options describe, polling every `interval` seconds —
    /// the same sources for every command. `window` (for `check` and `snapshot`, which watch for
    /// a short window and report) samples keys at the faster one-shot default.
    static func configuration(
        connection: ConnectionOptions, targets: TargetOptions, sources: SourceOptions, interval: Double,
        window: Bool = false
    ) throws -> FleetConfiguration {
        let sampling = window ? sources.sampling.oneShotConfiguration : sources.sampling.configuration
        let keyEvents = sampling != nil && !sources.events.noEvents
        var configuration = FleetConfiguration(
            connection: connection.configuration, interval: .milliseconds(Int64(interval * 1000)),
            sampling: sampling, fixedSampleRate: sources.sampling.fixedRate || window,
            clusterMode: targets.clusterMode, keyEvents: keyEvents,
            eventsEnabler: keyEvents ? sources.events.enabler(connection: connection.configuration) : nil,
            keyLifeChecksPerSecond: sampling == nil ? 0 : sources.keyLife.checksPerSecond)
        configuration.sentinel = try targets.sentinelSource(connection: connection)
        return configuration
    }

    /// Runs `body` on the engine watching `targets` (surges measured against `seasonalHistory`'s
    /// usual traffic where given, nodes' keyspaces from `keyspaceDumps`); everything is stopped and closed when it returns. Unless
    /// `wait`, a start where no node answers is an error (one line, exit 2 for a
    /// wrong password) reported before `body` runs.
    static func run<Result: Sendable>(
        targets: [NodeTarget], configuration: FleetConfiguration, wait: Bool = false,
        seasonalHistory: (any SeasonalHistory)? = nil, keyspaceDumps: [String: KeyspaceDump] = [:],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MonitoringEngine) async throws -> Result
    ) async throws -> Result {
        // Keyspace events turned on at the user's request are put back however the run ends:
        // here on a return or an error, from the signal handler on SIGINT/SIGTERM/SIGHUP.
        if let enabler = configuration.eventsEnabler {
            SignalTrap.onExit { report(enabler.restoreAllBlocking()) }
        }
        let result: Result
        do {
            result = try await MonitoringEngine.run(
                targets: targets, configuration: configuration, seasonalHistory: seasonalHistory,
                keyspaceDumps: keyspaceDumps
            ) { engine in
                let first = engine.firstSamples
                if !wait, !first.isEmpty, first.allSatisfy({ $0.failure != nil }), let failure = first[0].failure {
                    if first.count == 1 { throw CLIFailure(failure) }
                    throw CLIFailure(
                        "none of the \(first.count) servers answers; \(first[0].node): \(failure.message)",
                        exitCode: failure.kind == .authentication ? 2 : 1)
                }
                return try await body(engine)
            }
        } catch {
            if let enabler = configuration.eventsEnabler { report(await enabler.restoreAll()) }
            if let error = error as? FleetError { throw CLIFailure(error.description) }
            throw error
        }
        if let enabler = configuration.eventsEnabler { report(await enabler.restoreAll()) }
        return result
    }

    /// Tells what putting the keyspace-event settings back came to, one line per node.
    private static func report(_ restorations: [KeyspaceEventsEnabler.Restoration]) {
        for restoration in restorations { ConsoleOutput.error(restoration.description) }
    }
}
