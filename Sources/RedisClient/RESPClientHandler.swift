import DequeModule
import NIOCore
import RESP
import Synchronization

/// A batch of commands written in one flush, with the promise its replies complete.
struct PipelineRequest: Sendable {
    let commands: [RESPCommand]
    let timeout: TimeAmount
    let promise: EventLoopPromise<[PipelineReply]>
}

/// Matches decoded replies to pipelined requests in order, fails requests that outlive their
/// timeout, and closes the channel on any fault after which replies could be misattributed.
///
/// Runs on the channel's event loop only.
final class RESPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = PipelineRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let id: UInt64
        let expected: Int
        var replies: [PipelineReply]
        let sentAt: NIODeadline
        let promise: EventLoopPromise<[PipelineReply]>
        let timeoutTask: Scheduled<Void>?
    }

    private let endpoint: String
    private let decoder: RESPDecoder
    /// Bytes received and not yet decoded (a reply split across reads waits here).
    private var incoming = ByteBuffer()
    private var pending: Deque<Pending> = []
    private var nextID: UInt64 = 0
    private var terminalError: (any Error)?
    /// Whether the peer has sent anything at all (a peer that drops us before any byte may
    /// expect TLS).
    private var heardFromPeer = false

    /// Where the first TLS failure's reason is kept for the handshake to report, whatever
    /// reaches the waiting command first (the failed write or this handler's error).
    private let tlsFailure: TLSFailureNote?

    init(endpoint: String, decoder: RESPDecoder, tlsFailure: TLSFailureNote? = nil) {
        self.endpoint = endpoint
        self.decoder = decoder
        self.tlsFailure = tlsFailure
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let terminalError {
            request.promise.fail(terminalError)
            promise?.fail(terminalError)
            return
        }
        guard !request.commands.isEmpty else {
            request.promise.succeed([])
            promise?.succeed()
            return
        }
        nextID &+= 1
        let id = nextID
        let timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) { [self] in
            guard pending.contains(where: { $0.id == id }) else { return }
            let duration = Duration.nanoseconds(request.timeout.nanoseconds)
            fail(context: context, with: RedisConnectionError.commandTimeout(duration, endpoint: endpoint))
        }
        var replies: [PipelineReply] = []
        replies.reserveCapacity(request.commands.count)
        pending.append(
            Pending(
                id: id, expected: request.commands.count, replies: replies, sentAt: .now(), promise: request.promise,
                timeoutTask: timeoutTask))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(request.commands.reduce(0) { $0 + $1.encodedLength })
        for command in request.commands { command.encode(into: &bytes) }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        heardFromPeer = true
        if incoming.readableBytes == 0 {
            incoming = chunk
        } else {
            incoming.writeBuffer(&chunk)
        }
        do {
            while let value = try decoder.decode(from: &incoming) {
                guard deliver(value, context: context) else { return }
            }
        } catch {
            fail(context: context, with: RedisProtocolError(error, endpoint: endpoint))
            return
        }
        // Keep the buffer from growing: drop what was consumed once it is a good part of it.
        if incoming.readableBytes == 0 {
            incoming.clear()
        } else if incoming.readerIndex > 65_536 {
            incoming.discardReadBytes()
        }
    }

    /// Hands one decoded value to the request it answers; `false` when the channel failed.
    private func deliver(_ value: RESPValue, context: ChannelHandlerContext) -> Bool {
        // RESP3 pushes are out of band (we subscribe to nothing): never matched to a command.
        if case .push = value.withoutAttributes { return true }
        guard let sentAt = pending.first?.sentAt else {
            fail(
                context: context,
                with: RedisProtocolError(reason: "reply received with no command waiting", endpoint: endpoint))
            return false
        }
        let elapsed = NIODeadline.now() - sentAt
        // Append in place: copying the request out of the deque would copy its replies on every
        // reply, quadratic in the pipeline's length.
        pending[pending.startIndex].replies.append(
            PipelineReply(value: value, latency: .nanoseconds(elapsed.nanoseconds)))
        if pending[pending.startIndex].replies.count == pending[pending.startIndex].expected {
            let done = pending.removeFirst()
            done.timeoutTask?.cancel()
            done.promise.succeed(done.replies)
        }
        return true
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let decoding = error as? RESPDecodingError {
            fail(context: context, with: RedisProtocolError(decoding, endpoint: endpoint))
        } else if let protocolError = error as? RedisProtocolError {
            fail(context: context, with: protocolError)
        } else if let tls = ConnectFailureReason.tlsReason(error) {
            tlsFailure?.record(tls)
            fail(context: context, with: RedisConnectionError.tlsFailed(tls, endpoint: endpoint))
        } else {
            // A socket error on an established connection (reset by peer, broken pipe).
            fail(
                context: context,
                with: RedisConnectionError.lost(
                    ConnectFailureReason.describe(error), endpoint: endpoint, silent: !heardFromPeer))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, with: RedisConnectionError.closed(endpoint: endpoint, silent: !heardFromPeer))
        context.fireChannelInactive()
    }

    /// Fails everything waiting (first error wins) and closes the channel.
    private func fail(context: ChannelHandlerContext, with error: any Error) {
        if terminalError == nil { terminalError = error }
        let failure = terminalError ?? error
        while let request = pending.popFirst() {
            request.timeoutTask?.cancel()
            request.promise.fail(failure)
        }
        if context.channel.isActive { context.close(promise: nil) }
    }
}

/// The reason of the first TLS failure on a connection, shared between its handler (on the
/// event loop) and the task waiting for the handshake.
final class TLSFailureNote: Sendable {
    private let reason = Mutex<String?>(nil)

    /// Keeps `text` unless a reason is already kept.
    func record(_ text: String) { reason.withLock { $0 = $0 ?? text } }

    /// The reason kept, if any.
    var recorded: String? { reason.withLock { $0 } }
}
