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

    /// Starts listening.
    public init(behavior: Behavior) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MisbehavingHandler(behavior: behavior))
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
    private var answered = false
    private var received = ByteBuffer()

    init(behavior: FakeRESPServer.Behavior) {
        self.behavior = behavior
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
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
            }
            return
        }
        guard !answered else { return }
        answered = true
        switch behavior {
        case .reply(let bytes):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
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
