import NIOSSL

/// How TLS connections (`rediss://`, `--tls`) are made: which authority to trust, the client
/// certificate for servers that ask for one (`tls-auth-clients yes`), the name to present and
/// check, and whether to verify at all.
public struct TLSSettings: Sendable, Hashable {
    /// A PEM file of the certificate authorities to trust; `nil`: the system's trust store.
    public var caCertificatePath: String?
    /// A PEM client certificate (chain), for servers that require one.
    public var certificatePath: String?
    /// The PEM private key of ``certificatePath``.
    public var privateKeyPath: String?
    /// The name sent as SNI and checked against the server's certificate; `nil`: the host of
    /// the URL (an IP address is checked against the certificate's IP entries).
    public var serverName: String?
    /// Whether the server's certificate is verified (`--insecure` turns it off).
    public var verifiesCertificate: Bool

    /// Creates settings; the defaults trust the system's authorities and verify everything.
    public init(
        caCertificatePath: String? = nil, certificatePath: String? = nil, privateKeyPath: String? = nil,
        serverName: String? = nil, verifiesCertificate: Bool = true
    ) {
        self.caCertificatePath = caCertificatePath
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.serverName = serverName
        self.verifiesCertificate = verifiesCertificate
    }

    /// A client context for these settings.
    ///
    /// - Throws: ``RedisConnectionError`` naming the file that cannot be read or parsed.
    func makeContext(endpoint: String) throws(RedisConnectionError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = verifiesCertificate ? .fullVerification : .none
        do {
            if let caCertificatePath {
                configuration.trustRoots = .certificates(
                    try Self.certificates(at: caCertificatePath, what: "CA certificate"))
            }
            if let certificatePath {
                configuration.certificateChain = try Self.certificates(at: certificatePath, what: "client certificate")
                    .map { .certificate($0) }
                guard let privateKeyPath else {
                    throw TLSFileError("--cert needs --key (the client certificate's private key)")
                }
                do {
                    configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
                } catch {
                    throw TLSFileError("cannot read the private key \(privateKeyPath): not a readable PEM key")
                }
            } else if privateKeyPath != nil {
                throw TLSFileError("--key needs --cert (the client certificate)")
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as TLSFileError {
            throw .tlsFailed(error.message, endpoint: endpoint)
        } catch {
            throw .tlsFailed("cannot set up TLS: \(error)", endpoint: endpoint)
        }
    }

    private static func certificates(at path: String, what: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSFileError("cannot read the \(what) \(path): not a readable PEM file")
        }
        guard !certificates.isEmpty else { throw TLSFileError("the \(what) file \(path) holds no PEM certificate") }
        return certificates
    }
}

/// A TLS file problem, as one line.
private struct TLSFileError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
