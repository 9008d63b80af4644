import RESP
import RedisClient
import TestSupport
import Testing

@Suite("TLS to a real redis-server --tls-port, certificates made by openssl", .sameOnEveryServer)
struct TLSConnectionTests {
    private func tlsEndpoint(port: Int) -> Endpoint {
        Endpoint(address: .tcp(host: "127.0.0.1", port: port), usesTLS: true)
    }

    private func connect(
        _ endpoint: Endpoint, _ tls: TLSSettings
    ) async throws -> RedisConnection {
        try await RedisConnection.connect(
            to: endpoint, configuration: ConnectionConfiguration(connectTimeout: .seconds(5), tls: tls))
    }

    private func failure(_ endpoint: Endpoint, _ tls: TLSSettings) async -> String {
        do {
            let connection = try await connect(endpoint, tls)
            await connection.close()
            return "connected"
        } catch {
            return "\(error)"
        }
    }

    @Test("verified TLS works; a wrong CA, a wrong name and a plain client are one-line errors")
    func verification() async throws {
        let certificates = try await TestCertificates()
        let tlsPort = try FreePort.next()
        try await withRedisServer(
            certificates.serverArguments(tlsPort: tlsPort), binary: TestCertificates.tlsServer
        ) { server in
            let endpoint = tlsEndpoint(port: tlsPort)
            let trusted = TLSSettings(
                caCertificatePath: certificates.caCertificate, serverName: TestCertificates.serverName)

            let connection = try await connect(endpoint, trusted)
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            let info = try await connection.send(RESPCommand("INFO", "server")).stringValue ?? ""
            #expect(info.contains("tcp_port:\(server.port)"))
            await connection.close()

            var wrongCA = trusted
            wrongCA.caCertificatePath = certificates.otherCACertificate
            let untrusted = await failure(endpoint, wrongCA)
            #expect(
                untrusted.hasPrefix("TLS with 127.0.0.1:\(tlsPort) failed: the server's certificate is not trusted"))
            #expect(!untrusted.contains("\n"))

            var noName = trusted
            noName.serverName = nil
            #expect(
                await failure(endpoint, noName).contains("does not name this host; pass the name it carries with --sni")
            )

            var insecure = wrongCA
            insecure.verifiesCertificate = false
            #expect(await failure(endpoint, insecure) == "connected")

            var plain = endpoint
            plain.usesTLS = false
            #expect(await failure(plain, trusted).contains("if this port expects TLS, use rediss:// or --tls"))
        }
    }

    @Test("a server that requires client certificates accepts ours and refuses none")
    func clientCertificates() async throws {
        let certificates = try await TestCertificates()
        let tlsPort = try FreePort.next()
        try await withRedisServer(
            certificates.serverArguments(tlsPort: tlsPort, requireClientCertificates: true),
            binary: TestCertificates.tlsServer
        ) { server in
            let endpoint = tlsEndpoint(port: tlsPort)
            var settings = TLSSettings(
                caCertificatePath: certificates.caCertificate, serverName: TestCertificates.serverName)

            #expect(await failure(endpoint, settings).hasPrefix("TLS with 127.0.0.1:\(tlsPort) failed"))
            settings.certificatePath = certificates.clientCertificate
            settings.privateKeyPath = certificates.clientKey
            let connection = try await connect(endpoint, settings)
            #expect(try await connection.send(RESPCommand("PING")).stringValue == "PONG")
            await connection.close()

            settings.caCertificatePath = "/nonexistent/ca.pem"
            #expect(await failure(endpoint, settings).contains("cannot read the CA certificate /nonexistent/ca.pem"))
        }
    }

    @Test("a TLS client on a plain port fails within the connect timeout, naming TLS")
    func tlsOnPlainPort() async throws {
        try await withRedisServer { server in
            let message = await failure(
                tlsEndpoint(port: server.port), TLSSettings(caCertificatePath: nil, verifiesCertificate: false))
            #expect(message.hasPrefix("TLS with 127.0.0.1:\(server.port) failed"))
        }
    }
}
