extension Endpoint {
    /// Parses `redis://[[user]:password@]host[:port][/db]`, `rediss://…` (TLS), the same with
    /// `valkey://` / `valkeys://`, and `unix://[[user]:password@]/path/to/socket[?db=N]`.
    /// User and password may be percent-encoded.
    ///
    /// - Throws: ``EndpointError`` whose text shows the URL with its password masked.
    public init(url: String) throws(EndpointError) {
        let shown = Self.masked(url)
        guard let schemeEnd = url.range(of: "://") else {
            throw EndpointError("invalid URL '\(shown)': expected redis://host:port, rediss://… or unix:///path")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        var rest = String(url[schemeEnd.upperBound...])
        guard ["redis", "rediss", "valkey", "valkeys", "unix"].contains(scheme) else {
            throw EndpointError("invalid URL '\(shown)': unknown scheme '\(scheme)' (use redis, rediss or unix)")
        }

        var username: String?
        var password: Secret?
        // The last '@' ends the credentials: a password may hold '@', '?', '#' or '/' when not
        // percent-encoded, so they are cut off before anything else is read.
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = String(rest[rest.index(after: at)...])
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let user = try Self.percentDecoded(parts[0], in: shown)
            if !user.isEmpty { username = user }
            if parts.count == 2 { password = Secret(try Self.percentDecoded(parts[1], in: shown)) }
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = String(rest[..<mark])
        }

        var database = 0
        for item in query.split(separator: "&") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0] == "db" else { continue }
            database = try Self.database(pair[1], in: shown)
        }

        if scheme == "unix" {
            guard rest.hasPrefix("/"), rest.count > 1 else {
                throw EndpointError(
                    "invalid URL '\(shown)': expected an absolute socket path, as in unix:///run/redis.sock")
            }
            self.init(address: .unix(path: rest), username: username, password: password, database: database)
            return
        }

        var hostPort = Substring(rest)
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            if !path.isEmpty { database = try Self.database(path, in: shown) }
        }
        let (host, port) = try Self.hostAndPort(hostPort, in: shown)
        self.init(
            address: .tcp(host: host, port: port), username: username, password: password, database: database,
            usesTLS: scheme == "rediss" || scheme == "valkeys")
    }

    /// The URL with any password replaced by `***`, safe to print — also when the URL is
    /// malformed (no `://`, a `?` or `#` in the password).
    public static func masked(_ url: String) -> String {
        guard let range = passwordRange(in: url) else { return url }
        return String(url[..<range.lowerBound]) + "***" + String(url[range.upperBound...])
    }

    /// Where the password is in a URL-like text: after the first `:` of what follows the scheme
    /// (`redis://`, or the start when there is none), up to the last `@`. Read the same way the
    /// parser reads credentials, and wider than it where the text is malformed, so that masking
    /// never shows a password the parser would have taken.
    public static func passwordRange(in text: String) -> Range<String.Index>? {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        guard let at = text[start...].lastIndex(of: "@"), let colon = text[start..<at].firstIndex(of: ":") else {
            return nil
        }
        return text.index(after: colon)..<at
    }

    private static func hostAndPort(_ text: Substring, in shown: String) throws(EndpointError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw EndpointError("invalid URL '\(shown)': unterminated IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw EndpointError("invalid URL '\(shown)': unexpected '\(after)' after the IPv6 address")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        if host.isEmpty { host = "127.0.0.1" }
        var port = Endpoint.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw EndpointError("invalid URL '\(shown)': port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        return (String(host), port)
    }

    private static func database(_ text: Substring, in shown: String) throws(EndpointError) -> Int {
        guard let value = Int(text), value >= 0 else {
            throw EndpointError("invalid URL '\(shown)': database '\(text)' is not a non-negative number")
        }
        return value
    }

    private static func percentDecoded(_ text: Substring, in shown: String) throws(EndpointError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { throw EndpointError("invalid URL '\(shown)': bad percent-encoding in the credentials") }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
