import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import RESP

/// One live connection to one server, after the handshake (`HELLO 3` or RESP2 `AUTH`,
/// `CLIENT SETNAME`, `SELECT`).
///
/// Commands are pipelined: ``pipeline(_:timeout:)`` writes a batch in one flush and returns the
/// replies in order. A server error fails only its command. A timeout, corrupt bytes or a
/// closed socket fail everything waiting and close the connection for good; open a new one
/// (``ManagedConnection`` does that with backoff).
public final class RedisConnection: Sendable {
    /// Where this connection goes.
    public let endpoint: Endpoint
    /// The configuration it was opened with.
    public let configuration: ConnectionConfiguration
    /// What the server said in `HELLO`, or only the protocol version after a RESP2 fallback.
    public let hello: ServerHello
    /// How many commands the handshake sent (`HELLO`, `AUTH`, `SETNAME`, `SELECT`, `PING`): the
    /// server counts them like any other.
    public let handshakeCommands: Int
    private let channel: any Channel

    private init(
        endpoint: Endpoint, configuration: ConnectionConfiguration, hello: ServerHello, handshakeCommands: Int,
        channel: any Channel
    ) {
        self.endpoint = endpoint
        self.configuration = configuration
        self.hello = hello
        self.handshakeCommands = handshakeCommands
        self.channel = channel
    }

    /// The protocol version in use: 3 after a successful `HELLO 3`, else 2.
    public var protocolVersion: Int { hello.protocolVersion }

    /// Whether the socket is still open.
    public var isActive: Bool { channel.isActive }

    /// Opens a connection and performs the handshake.
    ///
    /// - Throws: ``RedisConnectionError`` (unreachable, timed out, bad credentials),
    ///   ``RedisServerError`` (e.g. `SELECT` of a database that does not exist),
    ///   ``RedisProtocolError`` (the peer does not speak RESP).
    ///
    /// - Parameters:
    ///   - onPush: where RESP3 pushes that answer no command go (a subscription's messages),
    ///     called on the connection's event loop: it must return quickly.
    ///   - onHandshake: told how many handshake commands are about to be written, before each
    ///     write — so that a count of one's own traffic has them before the server runs them
    ///     (counting them once the handshake is done leaves a moment where the server has run
    ///     them and the count does not know).
    public static func connect(
        to endpoint: Endpoint,
        configuration: ConnectionConfiguration = ConnectionConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onPush: (@Sendable (RESPValue) -> Void)? = nil,
        onHandshake: (@Sendable (Int) -> Void)? = nil
    ) async throws -> RedisConnection {
        let name = endpoint.description
        let deadline = ContinuousClock.now + configuration.connectTimeout
        let tlsFailure = TLSFailureNote()
        let channel = try await openChannel(
            to: endpoint, configuration: configuration, group: group, tlsFailure: tlsFailure, onPush: onPush)
        do {
            let remaining = max(ContinuousClock.now.duration(to: deadline), .milliseconds(10))
            // A cancelled task does not wait out the handshake's timeout (a TLS handshake with
            // a plain port never completes): closing the channel ends the wait at once.
            let (hello, sent) = try await withTaskCancellationHandler {
                try await handshake(
                    on: channel, endpoint: endpoint, configuration: configuration, timeout: remaining,
                    onHandshake: onHandshake)
            } onCancel: {
                channel.close(promise: nil)
            }
            try Task.checkCancellation()
            return RedisConnection(
                endpoint: endpoint, configuration: configuration, hello: hello, handshakeCommands: sent,
                channel: channel)
        } catch let error as RedisConnectionError where error.isTimeout {
            try? await channel.close()
            if endpoint.usesTLS {
                throw RedisConnectionError.tlsFailed(
                    "no TLS handshake within \(configuration.connectTimeout.shortText); is this a TLS port?",
                    endpoint: name)
            }
            throw RedisConnectionError.connectTimeout(configuration.connectTimeout, endpoint: name)
        } catch let error as RedisConnectionError where error.isSilentDrop && !endpoint.usesTLS {
            // A TLS port drops a client that greets it in plain text.
            throw RedisConnectionError.handshakeFailed(
                "the server closed the connection without a word; if this port expects TLS, use rediss:// or --tls",
                endpoint: name)
        } catch {
            try? await channel.close()
            // A failed handshake closes the channel: the write may report that first.
            if let reason = tlsFailure.recorded { throw RedisConnectionError.tlsFailed(reason, endpoint: name) }
            throw error
        }
    }

    /// Sends `commands` in one write and returns one reply per command, in order.
    ///
    /// - Parameter timeout: how long to wait for the last reply; the configuration's command
    ///   timeout by default. When it passes, the connection is closed.
    /// - Throws: ``RedisConnectionError`` (timeout, closed, command not allowed) or
    ///   ``RedisProtocolError``; server errors are returned as replies, not thrown.
    /// - Parameter atReply: called on the connection's event loop the moment the last reply is
    ///   read, before any frame after it is handled — a point in the stream: a subscription's
    ///   pushes handled before it came before the reply.
    public func pipeline(
        _ commands: [RESPCommand], timeout: Duration? = nil, atReply: (@Sendable () -> Void)? = nil
    ) async throws -> [PipelineReply] {
        // Check each distinct command head once: pipelines repeat a handful of commands.
        var checked: [ArraySlice<[UInt8]>] = []
        for command in commands {
            let head = command.head
            guard !checked.contains(head) else { continue }
            guard configuration.policy.permits(command) else {
                throw RedisConnectionError.notAllowed(command.description, endpoint: endpoint.description)
            }
            if checked.count < 16 { checked.append(head) }
        }
        return try await Self.roundTrip(
            channel, commands: commands, timeout: timeout ?? configuration.commandTimeout, atReply: atReply)
    }

    /// Sends a batch in one write and returns its replies undecoded, for readers that parse
    /// them into their own types (see ``RawReplies``).
    ///
    /// - Throws: what ``pipeline(_:timeout:)`` throws; every distinct command head of the batch
    ///   is checked against the policy first.
    public func pipeline(_ batch: CommandBatch, timeout: Duration? = nil) async throws -> RawReplies {
        for command in batch.examples where !configuration.policy.permits(command) {
            throw RedisConnectionError.notAllowed(command.description, endpoint: endpoint.description)
        }
        let promise = channel.eventLoop.makePromise(of: RawReplies.self)
        let request = PipelineRequest(
            payload: .batch(batch, promise),
            timeout: .nanoseconds(Int64((timeout ?? configuration.commandTimeout).secondsDouble * 1e9)))
        channel.writeAndFlush(request).cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    /// Subscribes to `channels` (RESP3 only: the connection's other commands keep working);
    /// messages go to the connection's push handler. Returns the confirmations, one per channel.
    ///
    /// - Throws: ``RedisConnectionError/notAllowed(_:endpoint:)`` on a RESP2 connection (subscribe
    ///   mode would take it over) or for channels the policy refuses, and what
    ///   ``pipeline(_:timeout:)`` throws.
    public func subscribe(_ channels: [String], timeout: Duration? = nil) async throws -> [PipelineReply] {
        let command = RESPCommand(["SUBSCRIBE"] + channels)
        guard configuration.policy.permits(command), protocolVersion == 3, !channels.isEmpty else {
            throw RedisConnectionError.notAllowed(command.description, endpoint: endpoint.description)
        }
        return try await send(command, timeout: timeout) { request in
            request.repliesArePushes = true
            // One command, one confirmation per channel.
            request.expectedReplies = channels.count
        }
    }

    /// Writes one command as a request shaped by `configure` (a subscription's confirmations, a
    /// monitor's stream) and waits for its replies.
    private func send(
        _ command: RESPCommand, timeout: Duration?, configure: (inout PipelineRequest) -> Void
    ) async throws -> [PipelineReply] {
        let promise = channel.eventLoop.makePromise(of: [PipelineReply].self)
        var request = PipelineRequest(
            payload: .commands([command], promise),
            timeout: .nanoseconds(Int64((timeout ?? configuration.commandTimeout).secondsDouble * 1e9)))
        configure(&request)
        channel.writeAndFlush(request).cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    /// Sends `MONITOR` and, once the server accepts it, hands every command line it streams to
    /// `onLine` (the line's bytes without `+` and CRLF, on the connection's event loop: it must
    /// return quickly and keep nothing it does not need). The connection then carries nothing
    /// else; close it to stop.
    ///
    /// - Throws: ``RedisConnectionError/notAllowed(_:endpoint:)`` unless the policy permits
    ///   `MONITOR` (``CommandPolicy/profiling`` only), ``RedisServerError`` when the server
    ///   refuses it (ACL, renamed), and what ``pipeline(_:timeout:)`` throws.
    public func monitor(timeout: Duration? = nil, onLine: @escaping @Sendable (ByteBuffer) -> Void) async throws {
        let command = RESPCommand("MONITOR")
        guard configuration.policy.permits(command) else {
            throw RedisConnectionError.notAllowed(command.description, endpoint: endpoint.description)
        }
        guard let reply = try await send(command, timeout: timeout, configure: { $0.streamSink = onLine }).first else {
            throw RedisProtocolError(reason: "no reply to MONITOR", endpoint: endpoint.description)
        }
        _ = try reply.result.get()
    }

    /// Sends one command and returns its reply.
    ///
    /// - Throws: ``RedisServerError`` for an error reply, and whatever ``pipeline(_:timeout:)`` throws.
    public func send(_ command: RESPCommand, timeout: Duration? = nil) async throws -> RESPValue {
        let replies = try await pipeline([command], timeout: timeout)
        guard let reply = replies.first else {
            throw RedisProtocolError(reason: "no reply to \(command)", endpoint: endpoint.description)
        }
        return try reply.result.get()
    }

    /// Waits until the connection is closed (by either side) or `timeout` passes, or the task is
    /// cancelled; returns whether it is closed.
    public func waitForClose(timeout: Duration) async -> Bool {
        if !channel.isActive { return true }
        let waiting = NIOLockedValueBox<CheckedContinuation<Bool, Never>?>(nil)
        let finish: @Sendable (Bool) -> Void = { closed in
            waiting.withLockedValue { continuation in
                continuation?.resume(returning: closed)
                continuation = nil
            }
        }
        let channel = channel
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiting.withLockedValue { $0 = continuation }
                if Task.isCancelled { return finish(false) }
                let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.secondsDouble * 1e9))) {
                    finish(false)
                }
                channel.closeFuture.whenComplete { _ in
                    timer.cancel()
                    finish(true)
                }
            }
        } onCancel: {
            finish(false)
        }
    }

    /// Starts closing the socket without waiting (for a cancellation handler); anything waiting
    /// fails with a closed-connection error.
    public func closeSoon() {
        channel.close(promise: nil)
    }

    /// Closes the socket; anything waiting fails with a closed-connection error.
    public func close() async {
        try? await channel.close()
    }

    // MARK: - Internals

    private static func roundTrip(
        _ channel: any Channel, commands: [RESPCommand], timeout: Duration, atReply: (@Sendable () -> Void)? = nil
    ) async throws -> [PipelineReply] {
        let promise = channel.eventLoop.makePromise(of: [PipelineReply].self)
        // Registered before the write: a promise completed on its event loop runs its callbacks
        // there and then, before the handler reads on.
        if let atReply { promise.futureResult.whenSuccess { _ in atReply() } }
        let request = PipelineRequest(
            payload: .commands(commands, promise), timeout: .nanoseconds(Int64(timeout.secondsDouble * 1e9)))
        channel.writeAndFlush(request).cascadeFailure(to: promise)
        return try await promise.futureResult.get()
    }

    private static func openChannel(
        to endpoint: Endpoint, configuration: ConnectionConfiguration, group: any EventLoopGroup,
        tlsFailure: TLSFailureNote, onPush: (@Sendable (RESPValue) -> Void)?
    ) async throws -> any Channel {
        let name = endpoint.description
        let limits = configuration.decoderLimits
        var tls: (context: NIOSSLContext, serverName: String?)?
        if endpoint.usesTLS {
            var serverName = configuration.tls.serverName
            // SNI carries names only; an IP literal is checked against the certificate's IP entries.
            if serverName == nil, case .tcp(let host, _) = endpoint.address,
                (try? SocketAddress(ipAddress: host, port: 0)) == nil
            {
                serverName = host
            }
            tls = (try configuration.tls.makeContext(endpoint: name), serverName)
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.secondsDouble * 1e9)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        RESPClientHandler(
                            endpoint: name, decoder: RESPStreamDecoder(limits: limits), tlsFailure: tlsFailure,
                            onPush: onPush)
                    ])
                }
            }
        do {
            switch endpoint.address {
            case .tcp(let host, let port): return try await bootstrap.connect(host: host, port: port).get()
            case .unix(let path): return try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch ChannelError.connectTimeout(_) {
            throw RedisConnectionError.connectTimeout(configuration.connectTimeout, endpoint: name)
        } catch {
            throw RedisConnectionError.connectFailed(ConnectFailureReason.describe(error), endpoint: name)
        }
    }

    private static func handshake(
        on channel: any Channel, endpoint: Endpoint, configuration: ConnectionConfiguration, timeout: Duration,
        onHandshake: (@Sendable (Int) -> Void)?
    ) async throws -> (ServerHello, commands: Int) {
        let name = endpoint.description
        var hello = ServerHello(protocolVersion: 2)
        var needsLegacyAuth = endpoint.password != nil
        var needsSetName = configuration.clientName != nil

        if configuration.prefersRESP3 {
            var arguments = ["HELLO", "3"]
            if let password = endpoint.password {
                arguments += ["AUTH", endpoint.username ?? "default", password.revealed]
            }
            if let clientName = configuration.clientName { arguments += ["SETNAME", clientName] }
            onHandshake?(1)
            let reply = try await roundTrip(channel, commands: [RESPCommand(arguments)], timeout: timeout)
            switch reply.first?.result {
            case .success(let value):
                hello = ServerHello(reply: value)
                needsLegacyAuth = false
                needsSetName = false
            case .failure(let error) where error.isAuthenticationFailure:
                if endpoint.password == nil { throw RedisConnectionError.authenticationRequired(endpoint: name) }
                throw RedisConnectionError.authenticationFailed(error.description, endpoint: name)
            case .failure, .none:
                break  // Older than 6.0, HELLO denied by ACL, or RESP3 refused: speak RESP2.
            }
        }

        var commands: [RESPCommand] = []
        if needsLegacyAuth, let password = endpoint.password {
            commands.append(
                endpoint.username.map { RESPCommand("AUTH", $0, password.revealed) }
                    ?? RESPCommand("AUTH", password.revealed))
        }
        if needsSetName, let clientName = configuration.clientName {
            commands.append(RESPCommand("CLIENT", "SETNAME", clientName))
        }
        if endpoint.database != 0 { commands.append(RESPCommand("SELECT", String(endpoint.database))) }
        // A PING proves the session is usable (and asks for a password the server wants).
        commands.append(RESPCommand("PING"))
        onHandshake?(commands.count)
        let replies = try await roundTrip(channel, commands: commands, timeout: timeout)
        let sent = commands.count + (configuration.prefersRESP3 ? 1 : 0)
        for (command, reply) in zip(commands, replies) {
            guard case .failure(let error) = reply.result else { continue }
            switch command.name {
            case "AUTH": throw RedisConnectionError.authenticationFailed(error.description, endpoint: name)
            case "CLIENT": continue  // a name is a courtesy; an ACL may deny it
            case "SELECT":
                throw RedisConnectionError.handshakeFailed("SELECT \(endpoint.database): \(error)", endpoint: name)
            default:
                if error.isAuthenticationFailure { throw RedisConnectionError.authenticationRequired(endpoint: name) }
                throw RedisConnectionError.handshakeFailed("\(command.name): \(error)", endpoint: name)
            }
        }
        return (hello, sent)
    }
}
