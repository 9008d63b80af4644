import NIOCore
import NIOPosix
import RESP

/// A connection that reopens itself: the first use connects, a broken connection is dropped,
/// and failed attempts are spaced by a ``ReconnectBackoff``. Between attempts, calls fail at
/// once (without touching the network) with an error saying when the next attempt is due.
public actor ManagedConnection {
    /// Where it connects.
    public nonisolated let endpoint: Endpoint
    private let configuration: ConnectionConfiguration
    private let backoff: ReconnectBackoff
    private let group: any EventLoopGroup
    private let onHandshake: (@Sendable (Int) -> Void)?
    private var connection: RedisConnection?
    private var consecutiveFailures = 0
    private var nextAttempt: ContinuousClock.Instant?
    private var lastError: (any Error)?

    /// How many times a connection was established (1 after the first, 2 after a reconnect…).
    public private(set) var connectCount = 0
    /// Commands sent by the handshakes of all connections so far.
    public private(set) var handshakeCommands = 0

    /// Creates a managed connection; nothing is opened until the first call. `onHandshake` is
    /// told of each connection's handshake commands before they are written (see
    /// ``RedisConnection/connect(to:configuration:group:onPush:onHandshake:)``).
    public init(
        endpoint: Endpoint,
        configuration: ConnectionConfiguration = ConnectionConfiguration(),
        backoff: ReconnectBackoff = ReconnectBackoff(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onHandshake: (@Sendable (Int) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.backoff = backoff
        self.group = group
        self.onHandshake = onHandshake
    }

    /// The `HELLO` facts of the current connection, if connected.
    public var hello: ServerHello? { connection?.hello }

    /// Sends a pipeline on the current connection, connecting first if needed.
    ///
    /// - Parameter now: the current instant, for the backoff decision.
    /// - Throws: what ``RedisConnection/connect(to:configuration:group:)`` and
    ///   ``RedisConnection/pipeline(_:timeout:)`` throw; while backing off, a
    ///   ``RedisConnectionError`` naming the last failure and the time to the next attempt.
    public func pipeline(
        _ commands: [RESPCommand], timeout: Duration? = nil, now: ContinuousClock.Instant = .now
    ) async throws -> [PipelineReply] {
        try await onActiveConnection(now: now) { try await $0.pipeline(commands, timeout: timeout) }
    }

    /// Sends a ``CommandBatch`` on the current connection, connecting first if needed, and
    /// returns its replies undecoded; failures as for ``pipeline(_:timeout:now:)``.
    public func pipeline(
        _ batch: CommandBatch, timeout: Duration? = nil, now: ContinuousClock.Instant = .now
    ) async throws -> RawReplies {
        try await onActiveConnection(now: now) { try await $0.pipeline(batch, timeout: timeout) }
    }

    /// Runs `body` on the current connection (connecting first if needed); a failure that
    /// leaves the connection unusable drops it, so that the next call reconnects.
    private func onActiveConnection<Result: Sendable>(
        now: ContinuousClock.Instant, _ body: (RedisConnection) async throws -> Result
    ) async throws -> Result {
        let active = try await activeConnection(now: now)
        do {
            return try await body(active)
        } catch let error as RedisConnectionError where error.isPermanent {
            throw error
        } catch {
            // Timeouts, corrupt bytes and closed sockets leave the connection unusable.
            await active.close()
            if connection === active { connection = nil }
            lastError = error
            throw error
        }
    }

    /// Opens a connection now unless one is open (its handshake done), with the same backoff
    /// as ``pipeline(_:timeout:now:)``.
    public func connect(now: ContinuousClock.Instant = .now) async throws {
        _ = try await activeConnection(now: now)
    }

    /// Closes the current connection, if any; a later call reconnects.
    public func close() async {
        await connection?.close()
        connection = nil
    }

    private func activeConnection(now: ContinuousClock.Instant) async throws -> RedisConnection {
        if let connection, connection.isActive { return connection }
        connection = nil
        if let nextAttempt, now < nextAttempt, let lastError {
            throw RedisConnectionError.unavailable(
                retryIn: now.duration(to: nextAttempt), lastError: lastError, endpoint: endpoint.description)
        }
        do {
            let opened = try await RedisConnection.connect(
                to: endpoint, configuration: configuration, group: group, onHandshake: onHandshake)
            connection = opened
            connectCount += 1
            handshakeCommands += opened.handshakeCommands
            consecutiveFailures = 0
            nextAttempt = nil
            return opened
        } catch {
            consecutiveFailures += 1
            nextAttempt = now + backoff.delay(afterFailures: consecutiveFailures)
            lastError = error
            throw error
        }
    }
}
