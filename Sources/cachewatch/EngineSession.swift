import Engine
import Fleet
import Foundation
import RedisClient
import Telemetry

/// How the commands start the engine: its settings from the command-line options, and a start
/// that tells a typo (wrong port, wrong password) from a server that goes away later.
enum EngineSession {
    /// The fleet settings the command-line options describe, polling every `interval` seconds.
    static func configuration(
        connection: ConnectionOptions, targets: TargetOptions, sampling: SamplingOptions, interval: Double,
        oneShot: Bool = false, events: EventOptions? = nil,
        keyLife: KeyLifeOptions? = nil
    ) -> FleetConfiguration {
        let keyEvents = sampling.configuration != nil && !oneShot && events.map { !$0.noEvents } ?? false
        return FleetConfiguration(
            connection: connection.configuration, interval: .milliseconds(Int64(interval * 1000)),
            sampling: oneShot ? sampling.oneShotConfiguration : sampling.configuration,
            fixedSampleRate: sampling.fixedRate || oneShot, clusterMode: targets.clusterMode,
            keyEvents: keyEvents,
            eventsEnabler: keyEvents ? events?.enabler(connection: connection.configuration) : nil,
            keyLifeChecksPerSecond: oneShot || sampling.configuration == nil ? 0 : keyLife?.checksPerSecond ?? 0)
    }

    /// Runs `body` on the engine watching `targets`; everything is stopped and closed when it
    /// returns. Unless `wait`, a start where no node answers is an error (one line, exit 2 for a
    /// wrong password) reported before `body` runs.
    static func run<Result: Sendable>(
        targets: [NodeTarget], configuration: FleetConfiguration, wait: Bool = false,
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
            result = try await MonitoringEngine.run(targets: targets, configuration: configuration) { engine in
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
