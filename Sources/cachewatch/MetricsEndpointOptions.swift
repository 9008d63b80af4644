import ArgumentParser
import Export
import MetricsEndpoint

/// How the Prometheus endpoint of `watch --listen` and `exporter` is served: TLS from a web
/// config file, and the namespace cap. The address itself is each command's own option (an
/// opt-in for `watch`, with a default for `exporter`).
struct MetricsEndpointOptions: ParsableArguments {
    @Option(
        name: .customLong("web-config"),
        help: ArgumentHelp(
            "With --listen: serve over TLS and/or with basic authentication, as the Prometheus exporters' web config file describes it (tls_server_config: cert_file, key_file; client_auth_type: RequireAndVerifyClientCert with client_ca_file; basic_auth_users: user: bcrypt hash, from htpasswd -nBC 10 USER).",
            valueName: "FILE"))
    var webConfig: String?

    @Option(
        name: .customLong("namespace-limit"),
        help:
            "With --listen: namespaces exposed per node, the biggest first (the rest are counted in cachewatch_namespaces_dropped)."
    )
    var namespaceLimit = PrometheusExposition.defaultNamespaceLimit

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp(
            "With --listen: connections the endpoint holds at most; a new one past it sheds the oldest not being answered.",
            discussion:
                "Default: \(EndpointLimits.defaultMaxConnections), or fewer when descriptors are short: half of the open-file limit (read at start-up, the soft limit raised to the hard one) left after 64 + 8 per node, which stay for reconnecting to the servers, the recording and CSV files.",
            valueName: "N"))
    var maxConnections: Int?

    @Option(
        name: .customLong("header-timeout"),
        help:
            "With --listen: seconds a request's header has to arrive whole, and a response to be taken (a slowloris is cut)."
    )
    var headerTimeout = EndpointLimits.defaultHeaderTimeout.secondsDouble

    @Option(
        name: .customLong("idle-timeout"),
        help: "With --listen: seconds a keep-alive connection may wait without a request.")
    var idleTimeout = EndpointLimits.defaultIdleTimeout.secondsDouble

    @Option(
        name: .customLong("tls-handshake-timeout"),
        help: "With --listen and TLS: seconds a TLS handshake has to complete.")
    var handshakeTimeout = EndpointLimits.defaultHandshakeTimeout.secondsDouble

    func validate() throws {
        if namespaceLimit < 0 { throw ValidationError("--namespace-limit must be 0 or more") }
        for (name, value) in [
            ("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout),
            ("--tls-handshake-timeout", handshakeTimeout),
        ] where !(value >= 0.1 && value <= 86_400) {
            throw ValidationError("\(name) must be from 0.1 to 86400 seconds")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
    }

    /// The endpoint's limits for `nodes` watched nodes, under the process's descriptors.
    ///
    /// - Throws: ``CLIFailure`` when `--max-connections` is more than the descriptors allow.
    func limits(nodes: Int) throws -> EndpointLimits {
        let budget = DescriptorBudget.current(nodes: nodes)
        if let maxConnections, maxConnections > budget.maxConnections {
            throw CLIFailure(
                "--max-connections \(maxConnections) is more than the open-file limit allows: \(budget.limit) descriptors, \(budget.reserved) kept for \(nodes) node\(nodes == 1 ? "" : "s") and files, so at most \(budget.maxConnections) (raise it with ulimit -n or LimitNOFILE=)"
            )
        }
        return EndpointLimits(
            handshakeTimeout: .milliseconds(Int64(handshakeTimeout * 1000)),
            headerTimeout: .milliseconds(Int64(headerTimeout * 1000)),
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)),
            maxConnections: maxConnections ?? budget.defaultMaxConnections)
    }

    /// Binds `/metrics` on `address` before any node is contacted (an address in use, a bad web
    /// config: one line at once), serving what is published to `latest` under the limits for
    /// `nodes` watched nodes.
    func serve(on address: ListenAddress, latest: LatestExposition, nodes: Int) async throws -> MetricsServer {
        let limits = try limits(nodes: nodes)
        var tls: WebConfig?
        if let webConfig {
            let text: String
            do { text = try TextInput.read(webConfig) } catch {
                throw CLIFailure("cannot read web config: \(error)")
            }
            do { tls = try WebConfig(text: text, path: webConfig) } catch { throw CLIFailure(error.description) }
            if let tls, tls.basicAuthentication != nil, !tls.usesTLS {
                ConsoleOutput.error(
                    "warning: \(webConfig): basic_auth_users without tls_server_config: passwords cross the network in the clear"
                )
            }
        }
        let server: MetricsServer
        do {
            server = try await MetricsServer(
                host: address.host, port: address.port, latest: latest, webConfig: tls, limits: limits)
        } catch let failure as WebConfig.Failure {
            throw CLIFailure(failure.description)
        } catch {
            throw CLIFailure("cannot listen on \(address.host):\(address.port): \(error)")
        }
        if address.port == 0 { ConsoleOutput.error("serving metrics on port \(server.port)") }
        return server
    }
}
