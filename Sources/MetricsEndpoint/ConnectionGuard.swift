import NIOCore
import NIOSSL
import NIOTLS

/// What the request handler tells the guard of its connection (sent as an outbound user event,
/// which travels from the handler to the guard in front of it).
enum RequestProgress: Sendable {
    /// A request's header arrived whole: it is being answered.
    case headerReceived
    /// Every request received has been answered: the connection is idle.
    case answeredAll
}

/// The deadline of each connection of the metrics endpoint, between TLS and HTTP: a handshake,
/// a request header, an idle keep-alive and a response each have a time to complete, after
/// which the connection is closed and the timeout counted. It also registers the connection in
/// the ``ConnectionRegistry``, which sheds the oldest connection not being answered when the
/// endpoint is full.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let registry: ConnectionRegistry
    private let limits: EndpointLimits
    private let usesTLS: Bool
    private var phase = ConnectionRegistry.Phase.header
    /// Whether request bytes came in this header phase (told to the registry once).
    private var headerStarted = false
    private var deadline: Scheduled<Void>?

    init(registry: ConnectionRegistry, limits: EndpointLimits, usesTLS: Bool) {
        self.registry = registry
        self.limits = limits
        self.usesTLS = usesTLS
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let first: ConnectionRegistry.Phase = usesTLS ? .handshake : .header
        if let victim = registry.opened(context.channel, phase: first) {
            victim.close(promise: nil)
            if victim === context.channel { return }
        }
        enter(first, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first bytes of the next request on an idle keep-alive connection: its header is due.
        if phase == .idle { enter(.header, context: context) }
        if phase == .header && !headerStarted {
            headerStarted = true
            registry.advanced(context.channel)
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent, phase == .handshake {
            enter(.header, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let progress = event as? RequestProgress else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch progress {
        case .headerReceived: enter(.response, context: context)
        case .answeredAll: enter(.idle, context: context)
        }
        promise?.succeed(())
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        registry.closed(context.channel)
        context.fireChannelInactive()
    }

    /// Moves to `next` with its deadline.
    private func enter(_ next: ConnectionRegistry.Phase, context: ChannelHandlerContext) {
        phase = next
        headerStarted = false
        registry.changed(context.channel, to: next)
        deadline?.cancel()
        let timeout: Duration =
            switch next {
            case .handshake: limits.handshakeTimeout
            case .header, .response: limits.headerTimeout
            case .idle: limits.idleTimeout
            }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let (handler, context) = bound.value
            guard handler.phase == next else { return }
            handler.registry.timedOut(in: next)
            context.close(promise: nil)
        }
    }
}
