import Fleet
import Foundation
import RedisClient
import Telemetry

/// A started fleet and its inbox: what `top`, `watch`, `check`, `snapshot` and `demo` run on.
struct FleetSession {
    let fleet: Fleet
    let inbox: FleetInbox
    /// The first poll of the nodes that reported at start (already in the inbox too).
    let first: [Sample]
    /// The nodes watched at start, in order.
    let nodes: [String]
    /// The database each listed target is sampled in.
    let databases: [String: Int]
    /// How many nodes were watched at start.
    var nodeCount: Int { nodes.count }

    /// The fleet settings the command-line options describe, polling every `interval` seconds.
    static func configuration(
        connection: ConnectionOptions, targets: TargetOptions, sampling: SamplingOptions, interval: Double,
        oneShot: Bool = false
    ) -> FleetConfiguration {
        FleetConfiguration(
            connection: connection.configuration, interval: .milliseconds(Int64(interval * 1000)),
            sampling: oneShot ? sampling.oneShotConfiguration : sampling.configuration,
            fixedSampleRate: sampling.fixedRate || oneShot, clusterMode: targets.clusterMode)
    }

    /// Starts watching `targets`. Unless `wait`, a start where no node answers is an error
    /// (a typo, a wrong password) reported before anything else happens.
    static func start(
        targets: [NodeTarget], configuration: FleetConfiguration, wait: Bool = false
    ) async throws -> FleetSession {
        let inbox = FleetInbox()
        let fleet = Fleet(targets: targets, configuration: configuration) { inbox.push($0) }
        let first: [Sample]
        do {
            first = try await fleet.start()
        } catch {
            throw CLIFailure(error.description)
        }
        if !wait, !first.isEmpty, first.allSatisfy({ $0.failure != nil }), let failure = first[0].failure {
            await fleet.stop()
            if first.count == 1 { throw CLIFailure(failure) }
            throw CLIFailure(
                "none of the \(first.count) servers answers; \(first[0].node): \(failure.message)",
                exitCode: failure.kind == .authentication ? 2 : 1)
        }
        let databases = Dictionary(targets.map { ($0.name, $0.endpoint.database) }) { first, _ in first }
        return FleetSession(
            fleet: fleet, inbox: inbox, first: first, nodes: await fleet.nodeNames, databases: databases)
    }
}
