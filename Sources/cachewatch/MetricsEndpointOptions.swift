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

    func validate() throws {
        if namespaceLimit < 0 { throw ValidationError("--namespace-limit must be 0 or more") }
    }

    /// Binds `/metrics` on `address` before any node is contacted (an address in use, a bad web
    /// config: one line at once), serving what is published to `latest`.
    func serve(on address: ListenAddress, latest: LatestExposition) async throws -> MetricsServer {
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
            server = try await MetricsServer(host: address.host, port: address.port, latest: latest, webConfig: tls)
        } catch let failure as WebConfig.Failure {
            throw CLIFailure(failure.description)
        } catch {
            throw CLIFailure("cannot listen on \(address.host):\(address.port): \(error)")
        }
        if address.port == 0 { ConsoleOutput.error("serving metrics on port \(server.port)") }
        return server
    }
}
