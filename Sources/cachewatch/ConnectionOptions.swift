import ArgumentParser
import Foundation
import RedisClient

/// redis-cli's connection flags, shared by every command that talks to a server.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("h"), .long], help: "Server host name (default: 127.0.0.1).")
    var host: String?

    @Option(name: [.customShort("p"), .long], help: "Server port (default: 6379).")
    var port: Int?

    @Option(
        name: [.customShort("a"), .customLong("pass")],
        help: "Password. Prefer the REDISCLI_AUTH environment variable: arguments are visible to other users.")
    var password: String?

    @Option(name: .customLong("user"), help: "ACL user name (default: the server's default user).")
    var user: String?

    @Option(name: [.customShort("n"), .customLong("db")], help: "Database number (default: 0).")
    var database: Int?

    @Option(
        name: [.customShort("u"), .customLong("url")],
        help: "Server URL: redis://[user:pass@]host:port[/db] or unix:///path/to/socket.")
    var url: String?

    @Flag(name: .customLong("no-auth-warning"), help: "Do not warn about a password given on the command line.")
    var noAuthWarning = false

    @Flag(name: .customLong("tls"), help: "Use TLS (the same as a rediss:// URL).")
    var tls = false

    @Option(name: .customLong("cacert"), help: "PEM file of the CA(s) that signed the server's certificate (TLS).")
    var caCertificate: String?

    @Option(name: .customLong("cert"), help: "PEM client certificate, for servers with tls-auth-clients (TLS).")
    var certificate: String?

    @Option(name: .customLong("key"), help: "PEM private key of --cert (TLS).")
    var privateKey: String?

    @Option(name: .customLong("sni"), help: "Server name to send and to check the certificate against (TLS).")
    var serverName: String?

    @Flag(name: .customLong("insecure"), help: "Do not verify the server's certificate (TLS). Unsafe: warns.")
    var insecure = false

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a connection and handshake.")
    var connectTimeout: Double = 3

    @Option(name: .customLong("timeout"), help: "Seconds to wait for the replies of one poll.")
    var commandTimeout: Double = 2

    func validate() throws {
        if let port, !(1...65535).contains(port) {
            throw ValidationError("port \(port) is not a number from 1 to 65535")
        }
        if let database, database < 0 { throw ValidationError("database must be 0 or more") }
        guard connectTimeout > 0, connectTimeout.isFinite else {
            throw ValidationError("--connect-timeout must be positive")
        }
        guard commandTimeout > 0, commandTimeout.isFinite else { throw ValidationError("--timeout must be positive") }
        if (certificate == nil) != (privateKey == nil) {
            throw ValidationError("--cert and --key go together: the client certificate and its private key")
        }
        for (flag, path) in [("--cacert", caCertificate), ("--cert", certificate), ("--key", privateKey)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("\(flag) \(path): no such readable file")
            }
        }
        if insecure {
            ConsoleOutput.error(
                "warning: --insecure: the server's certificate is not checked; anyone on the path can read the traffic and the password"
            )
        }
    }

    /// The endpoint described by the URL (positional or `-u`) with the flags applied on top;
    /// the password comes from `-a`, else the URL, else `REDISCLI_AUTH`.
    func endpoint(
        positionalURL: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> Endpoint
    {
        if positionalURL != nil && url != nil {
            throw ValidationError("give the server either as an argument or with -u, not both")
        }
        var endpoint = Endpoint(address: .tcp(host: "127.0.0.1", port: Endpoint.defaultPort))
        if let text = positionalURL ?? url {
            do { endpoint = try Endpoint(url: text) } catch { throw ValidationError(error.description) }
        }
        if host != nil || port != nil {
            guard case .tcp(let urlHost, let urlPort) = endpoint.address else {
                throw ValidationError("-h/-p cannot be combined with a unix:// URL")
            }
            endpoint.address = .tcp(host: host ?? urlHost, port: port ?? urlPort)
        }
        if tls {
            guard case .tcp = endpoint.address else { throw ValidationError("--tls cannot be used with a unix:// URL") }
            endpoint.usesTLS = true
        }
        if let user { endpoint.username = user }
        if let database { endpoint.database = database }
        if let password {
            endpoint.password = Secret(password)
        } else if endpoint.password == nil, let fromEnvironment = environment["REDISCLI_AUTH"], !fromEnvironment.isEmpty
        {
            endpoint.password = Secret(fromEnvironment)
        }
        return endpoint
    }

    /// Timeouts and TLS settings from the flags.
    var configuration: ConnectionConfiguration {
        ConnectionConfiguration(
            connectTimeout: .milliseconds(Int64(connectTimeout * 1000)),
            commandTimeout: .milliseconds(Int64(commandTimeout * 1000)),
            tls: TLSSettings(
                caCertificatePath: caCertificate, certificatePath: certificate, privateKeyPath: privateKey,
                serverName: serverName, verifiesCertificate: !insecure))
    }
}

extension ConnectionOptions {
    /// Warns on the error output, unless `--no-auth-warning`, when a password was given as an
    /// argument (`-a`, or inside a URL among `urls` or the `-u` one): other users see arguments.
    /// `also`: another password was given as an argument (`--sentinel-pass`).
    func warnAboutPasswordInArguments(urls: [String] = [], also: Bool = false) {
        let inURL = (urls + [url].compactMap { $0 }).contains { Endpoint.masked($0) != $0 }
        guard !noAuthWarning, password != nil || inURL || also else { return }
        ConsoleOutput.error(
            "warning: a password on the command line may be visible to other users; prefer REDISCLI_AUTH")
    }
}
