import ArgumentParser
import Foundation
import RedisClient
import Telemetry
import Workload

/// `cachewatch demo`: a private redis-server with cache traffic on it, watched.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a private redis-server with cache traffic on it, and watch it.",
        discussion: """
            The server runs on a free loopback port in a temporary directory with a 64 MB \
            maxmemory and allkeys-lru; a cache-aside workload (Zipf-popular, namespaced keys with \
            TTLs) reads and refills it. Everything the demo started is stopped on exit, Ctrl-C or \
            SIGTERM.
            """,
        helpNames: [.long]
    )

    @OptionGroup var output: WatchOutputOptions

    @Option(name: .long, help: "Cache reads per second of the workload.")
    var rate = 1500

    func validate() throws {
        guard rate >= 1 && rate <= 100_000 else { throw ValidationError("--rate must be from 1 to 100000") }
    }

    func run() async throws {
        let server: PrivateRedisServer
        do {
            server = try await PrivateRedisServer([
                "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--slowlog-log-slower-than", "5000",
            ])
        } catch let failure as ProcessFailure {
            throw CLIFailure("demo: \(failure.description)")
        }
        SignalTrap.onTermination { server.stopImmediately() }
        ConsoleOutput.error(
            "demo: redis-server on 127.0.0.1:\(server.port) (maxmemory 64mb, allkeys-lru), \(rate) reads/s")

        let workload = Task {
            await CacheAsideWorkload(
                endpoint: server.endpoint, configuration: WorkloadConfiguration(readsPerSecond: rate)
            )
            .run()
        }
        let poller = Poller(connection: ManagedConnection(endpoint: server.endpoint))
        do {
            try await WatchLoop(poller: poller, output: output).run()
        } catch {
            workload.cancel()
            await server.stop()
            throw error
        }
        workload.cancel()
        _ = await workload.value
        await server.stop()
        server.stopImmediately()  // removes the directory
    }
}
