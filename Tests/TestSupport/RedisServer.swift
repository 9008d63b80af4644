import RESP
import RedisClient
import Workload

/// A real `redis-server` on a free loopback port, started and stopped by the test.
public typealias RedisServer = PrivateRedisServer

extension PrivateRedisServer {
    /// Opens a connection that may send anything (tests write data and change config).
    public func client(password: String? = nil, username: String? = nil) async throws -> RedisConnection {
        var endpoint = endpoint
        endpoint.password = password.map(Secret.init)
        endpoint.username = username
        return try await RedisConnection.connect(
            to: endpoint, configuration: ConnectionConfiguration(commandTimeout: .seconds(60), policy: .unrestricted))
    }
}
