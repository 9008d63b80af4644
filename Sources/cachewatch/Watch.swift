import ArgumentParser
import Export
import Foundation
import Metrics
import RedisClient
import Telemetry

/// `cachewatch watch`: one line per tick, vmstat style, or JSON lines / logfmt for machines.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print one line of metrics per poll (vmstat style), or JSON lines / logfmt.",
        discussion: """
            Each tick polls INFO, SLOWLOG and PING in one pipelined round trip. The interval hit \
            ratio is Δhits / (Δhits + Δmisses) since the previous poll; it is absent ('-' or null) \
            when there were no lookups. Rates leave out cachewatch's own commands. State changes \
            (connection lost, back, a command denied) are printed once, on stderr.
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "Output format: table, json or logfmt.")
    var format: LineFormat = .table

    @Option(name: [.customShort("c"), .long], help: "Stop after this many lines of metrics.")
    var count: Int?

    @Flag(name: .long, help: "Keep retrying when the server cannot be reached at start-up instead of exiting.")
    var wait = false

    @Flag(name: .customLong("no-auth-warning"), help: "Do not warn about a password given on the command line.")
    var noAuthWarning = false

    @Option(name: .customLong("header-every"), help: "Table rows between repeated headers (default: the terminal height).")
    var headerEvery: Int?

    func validate() throws {
        guard interval >= 0.05, interval.isFinite else { throw ValidationError("--interval must be at least 0.05 seconds") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let headerEvery, headerEvery < 0 { throw ValidationError("--header-every must be 0 or more") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let passwordInArguments = connection.password != nil || serverURL.map(Endpoint.masked) != serverURL
            || connection.url.map(Endpoint.masked) != connection.url
        if passwordInArguments && !noAuthWarning {
            warn("warning: a password on the command line may be visible to other users; prefer REDISCLI_AUTH")
        }
        let managed = ManagedConnection(endpoint: endpoint, configuration: connection.configuration)
        let poller = Poller(connection: managed)
        var store = MetricStore()
        var formatter = WatchLineFormatter(format: format, headerEvery: headerEvery ?? TerminalSize.rows(default: 24) - 2)
        var reporter = ConnectionStateReporter()
        let period = Duration.milliseconds(Int64(interval * 1000))

        let first = await poller.poll()
        if let failure = first.failure, !wait {
            throw CLIFailure(failure.message, exitCode: failure.kind == .authentication ? 2 : 1)
        }

        var printed = 0
        let clock = ContinuousClock()
        var next = clock.now
        var sample = first
        while true {
            store.ingest(sample)
            for message in reporter.messages(for: sample) { warn(message) }
            if let node = store[sample.node] {
                let lines = formatter.lines(for: node)
                for line in lines { ConsoleOutput.line(line) }
                if sample.reading != nil || format != .table { printed += 1 }
            }
            if let count, printed >= count { return }
            next += period
            let now = clock.now
            while next <= now { next += period }
            try await clock.sleep(until: next)
            sample = await poller.poll()
        }
    }

    private func warn(_ message: String) {
        ConsoleOutput.error(message)
    }
}

extension LineFormat: ExpressibleByArgument {}
