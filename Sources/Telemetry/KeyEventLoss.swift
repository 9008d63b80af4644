/// The keyspace events a node's server published but cachewatch never received, found exactly.
///
/// Nothing in cachewatch drops an event (each is counted where it is read); events are lost only
/// while the subscription is down, or when the server cuts a subscriber that fell behind
/// (`client-output-buffer-limit pubsub`, the events queued for it discarded). So at each
/// subscription the subscriber asks the server, on the subscription's own connection,
/// `INFO stats`: its reply comes after every event published before it, and `evicted_keys` +
/// `expired_keys` move with each `evicted`/`expired` event, so the server's count and the events
/// received compare exactly. Key misses are left out: a server counts misses it does not publish.
public struct KeyEventLoss: Sendable, Equatable {
    private enum Last: Sendable, Equatable {
        /// No check yet: the first finds nothing lost.
        case none
        /// The server's count and the events received at the last check.
        case counts(server: Int64, received: Int)
        /// The last check could not compare: the next cannot tell what was lost since.
        case unknown
    }

    private var last = Last.none

    /// Creates a check with nothing compared yet.
    public init() {}

    /// Compares the server's count (`evicted_keys` + `expired_keys` for the kinds subscribed;
    /// `nil` when it cannot stand for the events subscribed to, e.g. other databases hold keys)
    /// with the events received so far, both read at the same point of the stream; returns the
    /// events lost since the previous check, or `nil` when that cannot be known (the first check
    /// ever counts as nothing lost; after a restart of the server, or a check that could not
    /// compare, the loss is unknown).
    public mutating func check(serverCount: Int64?, received: Int) -> Int? {
        defer { last = serverCount.map { .counts(server: $0, received: received) } ?? .unknown }
        guard let serverCount else { return nil }
        switch last {
        case .none:
            return 0
        case .unknown:
            return nil
        case .counts(let server, let before):
            guard serverCount >= server, received >= before else { return nil }
            return max(0, Int(serverCount - server) - (received - before))
        }
    }
}
