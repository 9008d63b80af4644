/// Where a server is and how to log in to it, as given by a URL or by redis-cli style flags.
///
/// `description` never includes the password.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The transport address of a server.
    public enum Address: Sendable, Hashable {
        /// A TCP host (name, IPv4 or IPv6 literal) and port.
        case tcp(host: String, port: Int)
        /// A unix domain socket path.
        case unix(path: String)
    }

    /// The default Redis port.
    public static let defaultPort = 6379

    /// The transport address.
    public var address: Address
    /// The ACL user name; `nil` means the server's `default` user.
    public var username: String?
    /// The password, if any.
    public var password: Secret?
    /// The logical database selected after connecting.
    public var database: Int
    /// Whether the URL asked for TLS (`rediss://`).
    public var usesTLS: Bool

    /// Creates an endpoint.
    public init(
        address: Address, username: String? = nil, password: Secret? = nil, database: Int = 0, usesTLS: Bool = false
    ) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
        self.usesTLS = usesTLS
    }

    /// A name for screens, logs and output: `host:port`, `[v6]:port` or `unix:/path`, with `/db`
    /// when not 0 and `user@` when a user is set. Never the password.
    public var description: String {
        var text = username.map { "\($0)@" } ?? ""
        switch address {
        case .tcp(let host, let port): text += host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): text += "unix:\(path)"
        }
        if database != 0 { text += "/\(database)" }
        return text
    }
}
