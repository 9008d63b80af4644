import NIOCore

/// In front of the TLS handler: the first bytes the endpoint sends on a connection (its answer
/// to a whole TLS hello) mark the connection as advancing in the ``ConnectionRegistry``; then it
/// steps out of the pipeline. A hello sent by halves is never answered, so a flood of them goes
/// before a genuine client's handshake when the endpoint sheds.
final class HandshakeAnswerWatcher: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let registry: ConnectionRegistry
    private var answered = false

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !answered {
            answered = true
            registry.advanced(context.channel)
        }
        context.write(data, promise: promise)
    }
}
