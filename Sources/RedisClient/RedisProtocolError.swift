import RESP

/// The server sent bytes that are not valid RESP, or a reply of a shape the command cannot
/// have. The connection is closed: its remaining replies can no longer be matched to commands.
public struct RedisProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, on one line.
    public let reason: String
    /// The endpoint it concerns, as printed.
    public let endpoint: String

    /// Creates an error.
    public init(reason: String, endpoint: String) {
        self.reason = reason
        self.endpoint = endpoint
    }

    init(_ decoding: RESPDecodingError, endpoint: String) {
        self.init(reason: decoding.description, endpoint: endpoint)
    }

    /// One line naming the endpoint.
    public var description: String { "protocol error from \(endpoint): \(reason)" }
}
