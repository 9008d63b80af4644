/// What serving `/metrics` has cost cachewatch so far, exposed with the metrics themselves
/// (`cachewatch_exposition_cpu_seconds_total{phase}`, `cachewatch_scrapes_total`) so that the
/// price of being scraped can be read off the endpoint, not guessed.
public struct ExpositionCost: Sendable, Equatable {
    /// CPU time spent building the exposition from the engine's state, once per tick.
    public var build: Duration = .zero
    /// CPU time spent rendering it to bytes, once per tick and format asked.
    public var render: Duration = .zero
    /// CPU time spent handing responses to the socket.
    public var write: Duration = .zero
    /// Scrapes of `/metrics` answered with the exposition.
    public var scrapes = 0

    /// No cost yet.
    public init() {}
}
