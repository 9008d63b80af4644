/// A primary found through Redis Sentinel: `redis+sentinel://[user:pass@]host:port[,host:port…]/<master>[/db]`
/// (`rediss+sentinel://` for TLS, `valkey+sentinel://` alike). The URL's credentials are the
/// sentinels'; the data nodes' come from the connection flags, as clients keep the two apart.
public struct SentinelURL: Sendable, Hashable {
    /// The sentinels to ask, in the order given, each with the sentinels' credentials and TLS.
    public var sentinels: [Endpoint]
    /// The name the sentinels know the primary by (`sentinel monitor <name> …`).
    public var masterName: String
    /// The database to watch on the data nodes.
    public var database: Int
    /// Whether the data nodes, like the sentinels, are reached over TLS.
    public var usesTLS: Bool

    /// The port sentinels listen on unless told otherwise.
    public static let defaultSentinelPort = 26_379

    /// Creates a target from its parts.
    public init(sentinels: [Endpoint], masterName: String, database: Int = 0, usesTLS: Bool = false) {
        self.sentinels = sentinels
        self.masterName = masterName
        self.database = database
        self.usesTLS = usesTLS
    }

    /// Whether `text` is a Sentinel URL (its scheme ends in `+sentinel`).
    public static func isSentinelURL(_ text: String) -> Bool {
        guard let end = text.range(of: "://") else { return false }
        return text[..<end.lowerBound].lowercased().hasSuffix("+sentinel")
    }

    /// Parses a Sentinel URL.
    ///
    /// - Throws: ``EndpointError`` whose text shows the URL with its password masked.
    public init(url: String) throws(EndpointError) {
        let shown = Endpoint.masked(url)
        guard let schemeEnd = url.range(of: "://") else {
            throw EndpointError("invalid URL '\(shown)': expected redis+sentinel://host:port[,host:port…]/master")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard ["redis+sentinel", "rediss+sentinel", "valkey+sentinel", "valkeys+sentinel"].contains(scheme) else {
            throw EndpointError(
                "invalid URL '\(shown)': unknown scheme '\(scheme)' (use redis+sentinel or rediss+sentinel)")
        }
        let tls = scheme.hasPrefix("rediss") || scheme.hasPrefix("valkeys")
        var rest = String(url[schemeEnd.upperBound...])
        var credentials = ""
        // The last '@' ends the credentials: a password may hold '@' or '/' when not encoded.
        if let at = rest.lastIndex(of: "@") {
            credentials = String(rest[...at])
            rest = String(rest[rest.index(after: at)...])
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw EndpointError("invalid URL '\(shown)': the primary's name is missing (…/mymaster)")
        }
        let hosts = rest[..<slash].split(separator: ",", omittingEmptySubsequences: false)
        let path = rest[rest.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
        guard let name = path.first, !name.isEmpty else {
            throw EndpointError("invalid URL '\(shown)': the primary's name is missing (…/mymaster)")
        }
        guard path.count <= 2 else {
            throw EndpointError("invalid URL '\(shown)': expected …/<master>[/db] after the sentinels")
        }
        var database = 0
        if path.count == 2 {
            guard let value = Int(path[1]), value >= 0 else {
                throw EndpointError("invalid URL '\(shown)': database '\(path[1])' is not a non-negative number")
            }
            database = value
        }
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty }) else {
            throw EndpointError("invalid URL '\(shown)': expected sentinels as host:port[,host:port…]")
        }
        var sentinels: [Endpoint] = []
        for host in hosts {
            let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
            let withPort = hasPort ? host : "\(host):\(Self.defaultSentinelPort)"
            do {
                var endpoint = try Endpoint(url: "redis://\(credentials)\(withPort)")
                endpoint.usesTLS = tls
                sentinels.append(endpoint)
            } catch {
                throw EndpointError("invalid URL '\(shown)': sentinel '\(host)' is not host:port")
            }
        }
        self.init(
            sentinels: sentinels, masterName: String(name).removingPercentEncodingLeniently, database: database,
            usesTLS: tls)
    }
}

extension String {
    /// The text with `%XX` escapes decoded where they are valid, left as they are elsewhere.
    fileprivate var removingPercentEncodingLeniently: String {
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
