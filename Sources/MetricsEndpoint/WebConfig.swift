import Foundation
import NIOSSL
import Yams

/// `--web-config FILE`: TLS and basic authentication for the `--listen` endpoint in the format of
/// the Prometheus exporters' web configuration (exporter-toolkit), so a file written for
/// `redis_exporter` or `node_exporter` reads the same here:
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt        # paths relative to this file
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (the default)
///   client_ca_file: clients-ca.crt
/// basic_auth_users:              # bcrypt hashes: htpasswd -nBC 10 prometheus
///   prometheus: $2y$10$…
/// ```
///
/// Either part may be left out (basic authentication without TLS sends passwords in the clear,
/// as the exporters allow; cachewatch says so at start-up).
public struct WebConfig: Sendable {
    /// Whether and how clients must present certificates.
    public enum ClientAuthentication: String, Sendable {
        /// No client certificate asked for.
        case none = "NoClientCert"
        /// A certificate signed by `client_ca_file` is required.
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    /// The server certificate (PEM, the chain after it); `nil` without TLS.
    public let certificatePath: String?
    /// Its private key (PEM).
    public let keyPath: String?
    /// Client certificates required or not.
    public let clientAuthentication: ClientAuthentication
    /// The CA that signs client certificates.
    public let clientCAPath: String?
    /// The users who may scrape, with their passwords' bcrypt hashes; `nil`: anyone.
    public let basicAuthentication: BasicAuthentication?

    /// Whether the endpoint is served over TLS.
    public var usesTLS: Bool { certificatePath != nil }

    /// An error reading the file: one line naming the file and what is wrong.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The line.
        public let description: String
    }

    /// Reads `text`, the file at `path` (relative paths in it are resolved against its directory).
    public init(text: String, path: String) throws(Failure) {
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ file: String) -> String {
            file.hasPrefix("/") ? file : base.appendingPathComponent(file).path
        }
        let root: [String: Any]
        do {
            root = (try Yams.load(yaml: text) as? [String: Any]) ?? [:]
        } catch {
            throw Failure(description: "\(path): not valid YAML")
        }
        for key in root.keys where !["tls_server_config", "basic_auth_users", "http_server_config"].contains(key) {
            throw Failure(description: "\(path): unknown field '\(key)'")
        }
        if let users = root["basic_auth_users"] {
            guard let table = users as? [String: Any], !table.isEmpty else {
                throw Failure(description: "\(path): basic_auth_users is a map of user names to bcrypt hashes")
            }
            var hashes: [String: String] = [:]
            for (user, hash) in table {
                guard let hash = hash as? String else {
                    throw Failure(description: "\(path): basic_auth_users: the password of '\(user)' is not a string")
                }
                hashes[user] = hash
            }
            do {
                basicAuthentication = try BasicAuthentication(users: hashes)
            } catch {
                throw Failure(description: "\(path): \(error.description)")
            }
        } else {
            basicAuthentication = nil
        }
        guard let tls = root["tls_server_config"] as? [String: Any] else {
            guard basicAuthentication != nil else {
                throw Failure(
                    description: "\(path): tls_server_config (cert_file, key_file) or basic_auth_users is required")
            }
            (certificatePath, keyPath, clientAuthentication, clientCAPath) = (nil, nil, .none, nil)
            return
        }
        let known = ["cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version"]
        for key in tls.keys where !known.contains(key) {
            throw Failure(description: "\(path): unknown field 'tls_server_config.\(key)'")
        }
        guard let certificate = tls["cert_file"] as? String, let key = tls["key_file"] as? String else {
            throw Failure(description: "\(path): tls_server_config needs cert_file and key_file")
        }
        certificatePath = resolve(certificate)
        keyPath = resolve(key)
        let type = (tls["client_auth_type"] as? String) ?? ClientAuthentication.none.rawValue
        guard let authentication = ClientAuthentication(rawValue: type) else {
            throw Failure(
                description:
                    "\(path): client_auth_type '\(type)' is not one of NoClientCert, RequireAndVerifyClientCert")
        }
        clientAuthentication = authentication
        clientCAPath = (tls["client_ca_file"] as? String).map(resolve)
        if authentication == .requireAndVerify && clientCAPath == nil {
            throw Failure(description: "\(path): RequireAndVerifyClientCert needs client_ca_file")
        }
    }

    /// The TLS server context; `nil` without TLS.
    ///
    /// - Throws: ``Failure`` naming the certificate or key that cannot be read.
    public func makeContext() throws(Failure) -> NIOSSLContext? {
        guard let certificatePath, let keyPath else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard !chain.isEmpty else { throw Failure(description: "\(certificatePath): no PEM certificate") }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            } catch {
                throw Failure(description: "cannot read the private key \(keyPath): not a readable PEM key")
            }
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            if clientAuthentication == .requireAndVerify, let clientCAPath {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCAPath))
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot set up TLS from \(certificatePath): \(error)")
        }
    }
}
