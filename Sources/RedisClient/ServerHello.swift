import RESP

/// What a server says about itself in its `HELLO` reply.
public struct ServerHello: Sendable, Hashable {
    /// `redis`, `valkey`, …
    public var server: String?
    /// The server version, e.g. `7.0.15`.
    public var version: String?
    /// `standalone`, `cluster` or `sentinel`.
    public var mode: String?
    /// `master` or `replica`.
    public var role: String?
    /// The protocol version in use.
    public var protocolVersion: Int

    /// Reads a `HELLO` reply (a RESP3 map, or a flat RESP2 array of pairs).
    init(reply: RESPValue) {
        var fields: [String: RESPValue] = [:]
        let elements = reply.elements ?? []
        var index = 0
        while index + 1 < elements.count {
            if let key = elements[index].stringValue { fields[key] = elements[index + 1] }
            index += 2
        }
        server = fields["server"]?.stringValue
        version = fields["version"]?.stringValue
        mode = fields["mode"]?.stringValue
        role = fields["role"]?.stringValue
        protocolVersion = fields["proto"]?.intValue.map { Int($0) } ?? 3
    }

    init(protocolVersion: Int) {
        self.protocolVersion = protocolVersion
    }
}
