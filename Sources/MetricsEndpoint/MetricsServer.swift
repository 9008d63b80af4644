import Export
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The HTTP listener of `watch --listen ADDR:PORT` and `exporter`, serving ``LatestExposition``
/// to Prometheus, each connection under ``EndpointLimits`` (``ConnectionGuard``).
public final class MetricsServer: Sendable {
    private let channel: any Channel
    /// The address it listens on (the port is the bound one when 0 was asked for).
    public let port: Int

    /// Starts listening on `host`:`port` (0: a free port), over TLS and with basic authentication
    /// as `webConfig` says.
    ///
    /// - Throws: ``WebConfig/Failure`` when its certificate or key cannot be read; an error when
    ///   the address cannot be bound (in use, not local, no permission).
    public init(
        host: String, port: Int, latest: LatestExposition, webConfig: WebConfig? = nil,
        limits: EndpointLimits = EndpointLimits(), group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        let tls = try webConfig?.makeContext()
        let authentication = webConfig?.basicAuthentication
        let registry = ConnectionRegistry(maxConnections: limits.maxConnections) { latest.recordConnections($0) }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(HandshakeAnswerWatcher(registry: registry))
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionGuard(registry: registry, limits: limits, usesTLS: tls != nil))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        MetricsRequestHandler(latest: latest, authentication: authentication))
                }
            }
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
        channel = try await bootstrap.bind(host: host, port: port).get()
        self.port = channel.localAddress?.port ?? port
    }

    /// Stops listening.
    public func close() async {
        try? await channel.close()
    }
}
