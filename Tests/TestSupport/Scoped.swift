import Workload

/// Runs `body` with a real `redis-server` started with `arguments`; the server is stopped
/// however `body` ends — returning, throwing, or a failed `#require`.
public func withRedisServer<Result>(
    _ arguments: [String] = [], port: Int? = nil, binary: String? = nil,
    isolation: isolated (any Actor)? = #isolation, _ body: (RedisServer) async throws -> Result
) async throws -> Result {
    let server = try await RedisServer(arguments, port: port, binary: binary)
    return try await using(server, body, finally: { await $0.stop() })
}

/// Runs `body` with a Redis Cluster of `primaries` primaries and `replicas` replicas each; every
/// node is stopped however `body` ends.
public func withRedisCluster<Result>(
    primaries: Int = 3, replicas: Int = 1, arguments: [String] = [], binary: String? = nil,
    isolation: isolated (any Actor)? = #isolation, _ body: (RedisCluster) async throws -> Result
) async throws -> Result {
    let cluster = try await RedisCluster(
        primaries: primaries, replicas: replicas, arguments: arguments, binary: binary)
    return try await using(cluster, body, finally: { await $0.stop() })
}

/// Runs `body` with a primary, a replica and `sentinels` sentinels watching them; every server
/// and sentinel is stopped however `body` ends.
public func withSentinelDeployment<Result>(
    sentinels: Int = 3, isolation: isolated (any Actor)? = #isolation,
    _ body: (SentinelDeployment) async throws -> Result
) async throws -> Result {
    let deployment = try await SentinelDeployment(sentinels: sentinels)
    return try await using(deployment, body, finally: { await $0.stop() })
}

/// Runs `body` with `command` in a detached tmux terminal of `width` × `height`; the terminal
/// (and what runs in it) is killed however `body` ends.
public func withTmux<Result>(
    width: Int = 120, height: Int = 40, command: [String], environment: [String: String] = [:],
    isolation: isolated (any Actor)? = #isolation, _ body: (TmuxSession) async throws -> Result
) async throws -> Result {
    let tmux = try await TmuxSession(width: width, height: height, command: command, environment: environment)
    return try await using(tmux, body, finally: { await $0.close() })
}

/// Runs `body` on `resource`, then `finally` on it whether `body` returned or threw.
private func using<Resource: Sendable, Result>(
    _ resource: Resource, _ body: (Resource) async throws -> Result, finally: (Resource) async -> Void,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Result {
    do {
        let result = try await body(resource)
        await finally(resource)
        return result
    } catch {
        await finally(resource)
        throw error
    }
}
