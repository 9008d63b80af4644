import Export
import NIOCore
import NIOHTTP1

/// Answers one HTTP/1.1 connection's requests: `GET /metrics` (the exposition, in the format
/// the `Accept` header asks for), `GET /-/healthy` (200 while the process runs), `GET /-/ready`
/// (200 once the first tick has been published, else 503), `HEAD` of each; 404 and 405 else.
final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let latest: LatestExposition
    private var request: HTTPRequestHead?

    init(latest: LatestExposition) {
        self.latest = latest
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break  // a scrape has no body; anything sent is ignored
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
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
