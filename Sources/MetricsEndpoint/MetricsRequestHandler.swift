import Export
import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers one HTTP/1.1 connection's requests: `GET /metrics` (the exposition, in the format
/// the `Accept` header asks for), `GET /-/healthy` (200 while the process runs), `GET /-/ready`
/// (200 once the first tick has been published, else 503), `HEAD` of each; 404 and 405 else.
/// With basic authentication, every path asks for a user first (401 with `WWW-Authenticate`);
/// a credential not yet seen is checked on the thread pool (bcrypt is slow by design), never on
/// the event loop.
final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let latest: LatestExposition
    private let authentication: BasicAuthentication?
    private var request: HTTPRequestHead?
    /// Requests whose credentials are being checked; later ones wait behind them (in order).
    private var waiting: [HTTPRequestHead] = []
    private var checking = false

    init(latest: LatestExposition, authentication: BasicAuthentication? = nil) {
        self.latest = latest
        self.authentication = authentication
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
            context.triggerUserOutboundEvent(RequestProgress.headerReceived, promise: nil)
        case .body: break  // a scrape has no body; anything sent is ignored
        case .end:
            guard let head = request else { return }
            request = nil
            waiting.append(head)
            next(context: context)
        }
    }

    /// Answers the waiting requests in order, each once its user is let in; tells the
    /// connection's guard when nothing is left to answer.
    private func next(context: ChannelHandlerContext) {
        defer {
            if !checking && waiting.isEmpty && request == nil && context.channel.isActive {
                context.triggerUserOutboundEvent(RequestProgress.answeredAll, promise: nil)
            }
        }
        while !checking, let head = waiting.first {
            guard let authentication else {
                waiting.removeFirst()
                respond(to: head, context: context)
                continue
            }
            let header = head.headers.first(name: "Authorization")
            if authentication.isRemembered(header) {
                waiting.removeFirst()
                respond(to: head, context: context)
                continue
            }
            checking = true
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
                authentication.check(authorization: header)
            }.whenComplete { result in
                let (handler, context) = bound.value
                handler.checking = false
                guard !handler.waiting.isEmpty else { return }
                let head = handler.waiting.removeFirst()
                if case .success(true) = result {
                    handler.respond(to: head, context: context)
                } else {
                    handler.send(
                        .unauthorized, "unauthorized\n", head: head, context: context,
                        extra: [("WWW-Authenticate", "Basic realm=\"cachewatch\", charset=\"UTF-8\"")])
                }
                handler.next(context: context)
            }
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            send(
                .methodNotAllowed, "only GET and HEAD\n", head: head, context: context, extra: [("Allow", "GET, HEAD")])
            return
        }
        switch path {
        case "/metrics":
            let format = ExpositionFormat(accept: head.headers.first(name: "Accept"))
            guard let body = latest.body(format) else {
                send(.serviceUnavailable, "no poll has completed yet\n", head: head, context: context)
                return
            }
            let start = ThreadCPUClock.now()
            send(.ok, body, head: head, context: context, contentType: format.contentType)
            latest.recordWrite(ThreadCPUClock.now() - start)
        case "/-/healthy":
            send(.ok, "OK\n", head: head, context: context)
        case "/-/ready":
            if !latest.isReady {
                send(.serviceUnavailable, "not ready: no poll has completed yet\n", head: head, context: context)
            } else {
                send(.ok, "OK\n", head: head, context: context)
            }
        case "/":
            send(
                .ok, "cachewatch: the metrics are at /metrics; health at /-/healthy and /-/ready\n", head: head,
                context: context)
        default:
            send(.notFound, "not found: \(path.prefix(200))\n", head: head, context: context)
        }
    }

    private func send(
        _ status: HTTPResponseStatus, _ body: String, head: HTTPRequestHead, context: ChannelHandlerContext,
        contentType: String = "text/plain; charset=utf-8", extra: [(String, String)] = []
    ) {
        send(
            status, context.channel.allocator.buffer(string: body), head: head, context: context,
            contentType: contentType, extra: extra)
    }

    private func send(
        _ status: HTTPResponseStatus, _ buffer: ByteBuffer, head: HTTPRequestHead, context: ChannelHandlerContext,
        contentType: String, extra: [(String, String)] = []
    ) {
        var headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(buffer.readableBytes))])
        for (name, value) in extra { headers.add(name: name, value: value) }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
