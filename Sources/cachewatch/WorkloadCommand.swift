import ArgumentParser
import Foundation
import RedisClient
import Workload

/// `cachewatch workload`: drives the demo's cache-aside traffic at a server the user names.
struct WorkloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Drive cache-aside test traffic at a server (it WRITES: staging and test servers only).",
        discussion: """
            Reads Zipf-popular namespaced keys (product:<id>, user:<id>:profile, session:<token>) and \
            refills misses with SET … EX, like an application's cache-aside code. This is the only \
            command of cachewatch that writes; every other command sends read-only commands.
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @Option(name: .long, help: "Cache reads per second.")
    var rate = 1500

    @Option(name: .long, help: "Distinct keys in play.")
    var keys = 20_000

    @Option(
        name: .customLong("duration"),
        help: "Stop after this long: seconds, or with a unit: 90, 5m (default: run until interrupted).")
    var runFor: RecordDuration?

    /// How long to run, in seconds.
    var duration: Double? { runFor?.seconds }

    func validate() throws {
        guard rate >= 1 && rate <= 100_000 else { throw ValidationError("--rate must be from 1 to 100000") }
        guard keys >= 1 else { throw ValidationError("--keys must be at least 1") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        // Fail fast on a wrong address or password instead of retrying silently.
        do {
            await (try RedisConnection.connect(to: endpoint, configuration: connection.configuration)).close()
        } catch let error as RedisConnectionError {
            throw CLIFailure(error)
        }
        ConsoleOutput.error("workload: writing cache-aside traffic to \(endpoint) at \(rate) reads/s")
        let workload = CacheAsideWorkload(
            endpoint: endpoint, configuration: WorkloadConfiguration(readsPerSecond: rate, keyCount: keys))
        let ticks = duration.map { Int(($0 * 20).rounded(.up)) }
        let totals = await workload.run(ticks: ticks)
        ConsoleOutput.error("workload: \(totals.reads) reads, \(totals.misses) misses, \(totals.writes) writes")
    }
}
