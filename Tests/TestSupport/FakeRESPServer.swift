import NIOCore
import NIOPosix
import RESP

/// A TCP server on a free loopback port that misbehaves on purpose, for the faults a real
/// server cannot produce — and for servers older than the ones installed here.
public final class FakeRESPServer: Sendable {
    /// What the server does once a client has sent its first bytes.
    public enum Behavior: Sendable {
        /// Replies with these raw bytes.
        case reply([UInt8])
        /// Sends these bytes, then closes the connection.
        case replyThenClose([UInt8])
        /// Reads and never answers.
        case stall
        /// Answers each command with the bytes `script` returns for its upper-cased arguments
        /// (the command name first); `nil` closes the connection.
        case script(@Sendable ([String]) -> [UInt8]?)
    }

    /// The port it listens on.
    public let port: Int
    private let channel: any Channel
    /// Its own event loop, so other tests' load on the shared one cannot delay a fault.
    public let group: MultiThreadedEventLoopGroup

    /// Starts listening. With `trickle`, every reply is sent one byte at a time, `trickle`
    /// apart (a slow link, or a server dribbling its answer to hold a client).
    public init(behavior: Behavior, trickle: Duration? = nil) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        MisbehavingHandler(behavior: behavior, trickle: trickle))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

private final class MisbehavingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let behavior: FakeRESPServer.Behavior
    private let trickle: Duration?
    private var answered = false
    private var received = ByteBuffer()
    /// When the last trickled byte is due: replies stay in order.
    private var trickleEnd: NIODeadline = .now()

    init(behavior: FakeRESPServer.Behavior, trickle: Duration?) {
        self.behavior = behavior
        self.trickle = trickle
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        guard let trickle else {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            return
        }
        let step = TimeAmount(trickle)
        var due = max(trickleEnd, .now())
        let channel = context.channel
        for byte in bytes {
            due = due + step
            channel.eventLoop.scheduleTask(deadline: due) {
                channel.writeAndFlush(channel.allocator.buffer(bytes: [byte]), promise: nil)
            }
        }
        trickleEnd = due
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .script(let script) = behavior {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            while let command = try? RESPDecoder().decode(from: &received) {
                let arguments = (command.elements ?? []).map { ($0.stringValue ?? "").uppercased() }
                guard let reply = script(arguments) else {
                    context.close(promise: nil)
                    return
                }
                send(reply, context: context)
            }
            return
        }
        guard !answered else { return }
        answered = true
        switch behavior {
        case .reply(let bytes):
            send(bytes, context: context)
        case .replyThenClose(let bytes):
            let buffer = context.channel.allocator.buffer(bytes: bytes)
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .stall, .script:
            break
        }
    }
}
