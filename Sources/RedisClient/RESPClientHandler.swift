import DequeModule
import NIOCore
import RESP
import Synchronization

/// A batch of commands written in one flush, with the promise its replies complete: decoded
/// values, or the raw frames of a ``CommandBatch``.
struct PipelineRequest: Sendable {
    enum Payload: Sendable {
        case commands([RESPCommand], EventLoopPromise<[PipelineReply]>)
        case batch(CommandBatch, EventLoopPromise<RawReplies>)
    }

    let payload: Payload
    let timeout: TimeAmount
    /// Whether the replies arrive as RESP3 pushes (`SUBSCRIBE`'s confirmations).
    var repliesArePushes = false
    /// How many replies complete the request, when not one per command (`SUBSCRIBE` confirms
    /// each channel).
    var expectedReplies: Int?
    /// For `MONITOR`: where each line the server streams after its `+OK` goes (the simple
    /// string's bytes, without `+` and CRLF), on the event loop.
    var streamSink: (@Sendable (ByteBuffer) -> Void)?

    var count: Int {
        if let expectedReplies { return expectedReplies }
        switch payload {
        case .commands(let commands, _): return commands.count
        case .batch(let batch, _): return batch.count
        }
    }

    func fail(_ error: any Error) {
        switch payload {
        case .commands(_, let promise): promise.fail(error)
        case .batch(_, let promise): promise.fail(error)
        }
    }
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
        /// Decoded replies, for a request of commands (a batch's frames gather in the
        /// handler's own buffer).
        var replies: [PipelineReply] = []
        let sentAt: NIODeadline
        let promise: EventLoopPromise<[PipelineReply]>?
        let rawPromise: EventLoopPromise<RawReplies>?
        let timeoutTask: Scheduled<Void>?
        var repliesArePushes = false
        var streamSink: (@Sendable (ByteBuffer) -> Void)?

        func fail(_ error: any Error) {
            timeoutTask?.cancel()
            promise?.fail(error)
            rawPromise?.fail(error)
        }
    }

    private let endpoint: String
    private var decoder: RESPStreamDecoder
    /// Bytes received and not yet decoded (a reply split across reads waits here).
    private var incoming = ByteBuffer()
    private var pending: Deque<Pending> = []
    /// The frames of the batch at the front of ``pending`` received so far, and their count.
    private var gathered = ByteBuffer()
    private var gatheredCount = 0
    /// Where the batch's frames not yet copied to ``gathered`` start in ``incoming``: frames
    /// that arrive together are copied in one piece, not one by one.
    private var regionStart: Int?
    private var nextID: UInt64 = 0
    private var terminalError: (any Error)?
    /// Whether the peer has sent anything at all (a peer that drops us before any byte may
    /// expect TLS).
    private var heardFromPeer = false

    /// Where the first TLS failure's reason is kept for the handshake to report, whatever
    /// reaches the waiting command first (the failed write or this handler's error).
    private let tlsFailure: TLSFailureNote?
    /// Where RESP3 pushes that answer no command go (a subscription's messages), decoded; without
    /// it they are skipped undecoded.
    private let onPush: (@Sendable (RESPValue) -> Void)?
    /// Set once `MONITOR` was accepted: every simple string that answers no command goes here.
    private var streamSink: (@Sendable (ByteBuffer) -> Void)?

    init(
        endpoint: String, decoder: RESPStreamDecoder, tlsFailure: TLSFailureNote? = nil,
        onPush: (@Sendable (RESPValue) -> Void)? = nil
    ) {
        self.endpoint = endpoint
        self.decoder = decoder
        self.tlsFailure = tlsFailure
        self.onPush = onPush
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let terminalError {
            request.fail(terminalError)
            promise?.fail(terminalError)
            return
        }
        guard request.count > 0 else {
            switch request.payload {
            case .commands(_, let replies): replies.succeed([])
            case .batch(_, let replies): replies.succeed(RawReplies(buffer: ByteBuffer(), count: 0, latency: .zero))
            }
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
        var buffer: ByteBuffer
        switch request.payload {
        case .commands(let commands, let replies):
            var entry = Pending(
                id: id, expected: request.count, sentAt: .now(), promise: replies, rawPromise: nil,
                timeoutTask: timeoutTask)
            entry.replies.reserveCapacity(commands.count)
            entry.repliesArePushes = request.repliesArePushes
            entry.streamSink = request.streamSink
            pending.append(entry)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(commands.reduce(0) { $0 + $1.encodedLength })
            for command in commands { command.encode(into: &bytes) }
            buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
        case .batch(let batch, let replies):
            pending.append(
                Pending(
                    id: id, expected: batch.count, sentAt: .now(), promise: nil, rawPromise: replies,
                    timeoutTask: timeoutTask))
            buffer = context.channel.allocator.buffer(capacity: batch.bytes.count)
            buffer.writeBytes(batch.bytes)
        }
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
            while let length = try decoder.nextFrameLength(in: incoming) {
                guard try deliver(frameOf: length, context: context) else { return }
            }
            gatherRegion()
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

    /// Hands the complete frame of `length` bytes at the front of `incoming` to the request it
    /// answers, decoded or raw as that request wants; `false` when the channel failed.
    private func deliver(frameOf length: Int, context: ChannelHandlerContext) throws(RESPDecodingError) -> Bool {
        // RESP3 pushes are out of band: a subscription's confirmations answer its request, its
        // messages go to the push handler (or are skipped, undecoded, when there is none).
        if incoming.getInteger(at: incoming.readerIndex, as: UInt8.self) == UInt8(ascii: ">") {
            gatherRegion()
            let awaitsConfirmation = pending.first?.repliesArePushes ?? false
            guard awaitsConfirmation || onPush != nil else {
                incoming.moveReaderIndex(forwardBy: length)
                return true
            }
            let value = try decoder.decodeFrame(of: length, from: &incoming)
            if awaitsConfirmation, Self.isConfirmation(value) {
                answerFront(with: value)
            } else {
                onPush?(value)
            }
            return true
        }
        if pending.isEmpty, let streamSink,
            incoming.getInteger(at: incoming.readerIndex, as: UInt8.self) == UInt8(ascii: "+"), length >= 3,
            let line = incoming.getSlice(at: incoming.readerIndex + 1, length: length - 3)
        {
            incoming.moveReaderIndex(forwardBy: length)
            streamSink(line)
            return true
        }
        guard !pending.isEmpty else {
            fail(
                context: context,
                with: RedisProtocolError(reason: "reply received with no command waiting", endpoint: endpoint))
            return false
        }
        let front = pending.startIndex
        if pending[front].rawPromise != nil {
            // A batch's frames gather in the handler's own buffer, not through the queue: the
            // queue is touched once per batch, not once per reply.
            if regionStart == nil { regionStart = incoming.readerIndex }
            incoming.moveReaderIndex(forwardBy: length)
            gatheredCount += 1
            guard gatheredCount == pending[front].expected else { return true }
            gatherRegion()
            let done = pending.removeFirst()
            done.timeoutTask?.cancel()
            let elapsed = NIODeadline.now() - done.sentAt
            let frames = gathered
            gathered = ByteBuffer()
            gatheredCount = 0
            done.rawPromise?.succeed(
                RawReplies(buffer: frames, count: done.expected, latency: .nanoseconds(elapsed.nanoseconds)))
            return true
        } else {
            answerFront(with: try decoder.decodeFrame(of: length, from: &incoming))
        }
        return true
    }

    /// Adds `value` to the replies of the request at the front, completing it when it has all.
    private func answerFront(with value: RESPValue) {
        let front = pending.startIndex
        let elapsed = NIODeadline.now() - pending[front].sentAt
        // Append in place: copying the request out of the deque would copy its replies on
        // every reply, quadratic in the pipeline's length.
        pending[front].replies.append(PipelineReply(value: value, latency: .nanoseconds(elapsed.nanoseconds)))
        if pending[front].replies.count == pending[front].expected {
            let done = pending.removeFirst()
            done.timeoutTask?.cancel()
            if let sink = done.streamSink, case .simpleString = value { streamSink = sink }
            done.promise?.succeed(done.replies)
        }
    }

    /// Whether a push confirms a subscription change (`subscribe`, `unsubscribe`, …) rather than
    /// carrying a message.
    private static func isConfirmation(_ value: RESPValue) -> Bool {
        guard let kind = value.elements?.first?.stringValue?.lowercased() else { return false }
        return kind.hasSuffix("subscribe")
    }

    /// Copies the batch's frames read from ``incoming`` since ``regionStart`` into ``gathered``.
    private func gatherRegion() {
        guard let start = regionStart else { return }
        regionStart = nil
        // Slices start at the reader index or after: step back to the region, read it whole.
        let end = incoming.readerIndex
        incoming.moveReaderIndex(to: start)
        if var region = incoming.readSlice(length: end - start) { gathered.writeBuffer(&region) }
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
        while let request = pending.popFirst() { request.fail(failure) }
        gathered = ByteBuffer()
        gatheredCount = 0
        regionStart = nil
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
