#if canImport(Glibc)
import Glibc
#endif

/// What the metrics endpoint allows a connection, so that idle, half-sent or stalled
/// connections — a scanner, a slowloris — cannot take monitoring down: every phase has a
/// deadline, and at most ``maxConnections`` are open, the oldest not being answered shed first
/// when a new one comes. The defaults are stated in `--help` and the README.
public struct EndpointLimits: Sendable, Equatable {
    /// A TLS handshake must complete within this.
    public var handshakeTimeout: Duration
    /// A request's header must arrive whole within this, from the connection's start (after
    /// its TLS handshake) or from a keep-alive connection's first byte of the next request.
    public var headerTimeout: Duration
    /// A keep-alive connection without a request is closed after this.
    public var idleTimeout: Duration
    /// Connections open at most (the listener's own descriptor aside).
    public var maxConnections: Int

    /// The default deadlines: 10 s for a handshake, 10 s for a header (as most HTTP servers),
    /// 90 s idle (longer than Prometheus's default 1-minute scrape interval, so a scraper's
    /// keep-alive connection is reused).
    public static let defaultHandshakeTimeout: Duration = .seconds(10)
    /// See ``defaultHandshakeTimeout``.
    public static let defaultHeaderTimeout: Duration = .seconds(10)
    /// See ``defaultHandshakeTimeout``.
    public static let defaultIdleTimeout: Duration = .seconds(90)
    /// The most connections by default, descriptors permitting (``DescriptorBudget``).
    public static let defaultMaxConnections = 256

    /// Creates limits.
    public init(
        handshakeTimeout: Duration = Self.defaultHandshakeTimeout, headerTimeout: Duration = Self.defaultHeaderTimeout,
        idleTimeout: Duration = Self.defaultIdleTimeout, maxConnections: Int = Self.defaultMaxConnections
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = max(1, maxConnections)
    }
}

/// The process's file descriptors, read at start-up (`getrlimit(RLIMIT_NOFILE)`), and how many
/// the endpoint may take: descriptors are kept back for what monitoring needs — reconnecting
/// to every watched server (a poller, a key sampler, a keyspace-event subscriber, key-life
/// checks, a profile or a `HOTKEYS` session each), the recording, CSV files, certificates — so
/// that HTTP clients can never hold them all.
public struct DescriptorBudget: Sendable, Equatable {
    /// The soft limit on open descriptors (after raising it to the hard limit where allowed).
    public let limit: Int
    /// Descriptors kept back for monitoring.
    public let reserved: Int

    /// Descriptors kept back: 64 for the process (standard streams, the recording and its
    /// journal, CSV files, certificates, the event loops' own) and 8 per watched node.
    public static func reserved(nodes: Int) -> Int { 64 + 8 * max(1, nodes) }

    /// A budget for `nodes` watched nodes under `limit` descriptors.
    public init(limit: Int, nodes: Int) {
        self.limit = limit
        self.reserved = Self.reserved(nodes: nodes)
    }

    /// The process's budget: its soft limit raised to the hard one first (as Go programs do), so
    /// that a default systemd unit's 1,024 does not bind where the hard limit is higher.
    public static func current(nodes: Int) -> DescriptorBudget {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else {
            return DescriptorBudget(limit: 1024, nodes: nodes)
        }
        if limits.rlim_cur < limits.rlim_max {
            var raised = limits
            // Bounded: an unlimited hard limit would make the figure meaningless.
            raised.rlim_cur = min(limits.rlim_max, 1 << 20)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limits = raised }
        }
        return DescriptorBudget(limit: Int(min(limits.rlim_cur, 1 << 20)), nodes: nodes)
    }

    /// The most connections the endpoint may hold: what is left after ``reserved``, halved
    /// (a connection being shed still holds its descriptor for a moment; TLS and the thread
    /// pool take some), at least 1.
    public var maxConnections: Int { max(1, (limit - reserved) / 2) }

    /// The default: ``EndpointLimits/defaultMaxConnections``, fewer when descriptors are short.
    public var defaultMaxConnections: Int { min(EndpointLimits.defaultMaxConnections, maxConnections) }
}
