import RedisClient
import Telemetry

/// A server to watch: the name it is shown under and where it is.
public struct NodeTarget: Sendable, Hashable {
    /// The name on screens, in CSV `node` columns and alert labels (never a password).
    public var name: String
    /// Where it is and how to log in.
    public var endpoint: Endpoint

    /// Creates a target; the name defaults to the endpoint's `host:port`.
    public init(name: String? = nil, endpoint: Endpoint) {
        self.name = name ?? endpoint.description
        self.endpoint = endpoint
    }
}
