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
        oneShot: Bool = false, events: EventOptions? = nil
    ) -> FleetConfiguration {
        FleetConfiguration(
            connection: connection.configuration, interval: .milliseconds(Int64(interval * 1000)),
            sampling: oneShot ? sampling.oneShotConfiguration : sampling.configuration,
            fixedSampleRate: sampling.fixedRate || oneShot, clusterMode: targets.clusterMode,
            keyEvents: sampling.configuration != nil && !oneShot && events.map { !$0.noEvents } ?? false)
    }

    /// Runs `body` on the engine watching `targets`; everything is stopped and closed when it
    /// returns. Unless `wait`, a start where no node answers is an error (one line, exit 2 for a
    /// wrong password) reported before `body` runs.
    static func run<Result: Sendable>(
        targets: [NodeTarget], configuration: FleetConfiguration, wait: Bool = false,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MonitoringEngine) async throws -> Result
    ) async throws -> Result {
        do {
            return try await MonitoringEngine.run(targets: targets, configuration: configuration) { engine in
                let first = engine.firstSamples
                if !wait, !first.isEmpty, first.allSatisfy({ $0.failure != nil }), let failure = first[0].failure {
                    if first.count == 1 { throw CLIFailure(failure) }
                    throw CLIFailure(
                        "none of the \(first.count) servers answers; \(first[0].node): \(failure.message)",
                        exitCode: failure.kind == .authentication ? 2 : 1)
                }
                return try await body(engine)
            }
        } catch let error as FleetError {
            throw CLIFailure(error.description)
        }
    }
}
