import Fleet
import Telemetry

/// Runs a fleet on `targets` while `body` runs, its events appended to `log`; the fleet is
/// cancelled and awaited (every connection closed) when `body` returns or throws.
func withFleet<Result: Sendable>(
    _ targets: [NodeTarget], configuration: FleetConfiguration, log: EventLog,
    _ body: (Fleet, [Sample]) async throws -> Result
) async throws -> Result {
    let fleet = Fleet(targets: targets, configuration: configuration)
    let plan = try await fleet.discover()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await fleet.run(plan) { log.append($0) } }
        defer { group.cancelAll() }
        return try await body(fleet, await fleet.firstSamples())
    }
}
