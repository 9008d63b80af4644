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
    /// The endpoint's connections: open now, shed, timed out.
    public var connections = HTTPConnectionStats()

    /// No cost yet.
    public init() {}
}

/// What the endpoint's connection guard has done (`cachewatch_http_connections`,
/// `cachewatch_http_connections_shed_total`, `cachewatch_http_timeouts_total{phase}`): abuse of
/// the endpoint — a scanner, a slowloris — shows in Prometheus, not only in cachewatch's state.
public struct HTTPConnectionStats: Sendable, Equatable {
    /// The phases a connection can time out in, as the `phase` label names them.
    public enum Phase: String, Sendable, CaseIterable {
        /// A TLS handshake that did not complete in time.
        case tlsHandshake = "tls_handshake"
        /// A request whose header did not arrive whole in time (a slowloris).
        case header
        /// A keep-alive connection without a request for too long.
        case idle
        /// A response the client did not take in time.
        case response
    }

    /// Connections open now.
    public var open = 0
    /// Connections closed to make room for a new one (the oldest not being answered first).
    public var shed = 0
    /// Connections closed by a timeout, by phase.
    public var timeouts: [Phase: Int] = [:]

    /// None yet.
    public init() {}
}
