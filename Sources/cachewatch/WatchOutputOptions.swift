import ArgumentParser
import Export

/// How `watch` (and the headless demo) print: format, pace, how many lines.
struct WatchOutputOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "Output format: table, json or logfmt.")
    var format: LineFormat = .table

    @Option(name: [.customShort("c"), .long], help: "Stop after this many lines of metrics.")
    var count: Int?

    @Option(
        name: .customLong("header-every"), help: "Table rows between repeated headers (default: the terminal height).")
    var headerEvery: Int?

    func validate() throws {
        guard interval >= 0.05, interval.isFinite else {
            throw ValidationError("--interval must be at least 0.05 seconds")
        }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let headerEvery, headerEvery < 0 { throw ValidationError("--header-every must be 0 or more") }
    }
}

extension LineFormat: ExpressibleByArgument {}
