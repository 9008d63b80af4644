import RESP
import RedisClient
import TestSupport
import Testing

@Suite("Reconnection", .sameOnEveryServer)
struct ManagedConnectionTests {
    @Test("a lost connection is reopened, with backoff between failed attempts")
    func reconnects() async throws {
        try await withRedisServer { server in
            let managed = ManagedConnection(
                endpoint: server.endpoint, backoff: ReconnectBackoff(initial: .seconds(30), maximum: .seconds(30)))
            let ping = [RESPCommand("PING")]
            #expect(try await managed.pipeline(ping)[0].value.stringValue == "PONG")
            #expect(await managed.connectCount == 1)

            await server.stop()
            await #expect(throws: RedisConnectionError.self) { try await managed.pipeline(ping) }
            // The next call tries to connect (refused), which starts the backoff…
            await #expect(throws: RedisConnectionError.self) { try await managed.pipeline(ping) }
            // …so the one after fails at once, saying when the next attempt is due.
            let waiting = await #expect(throws: RedisConnectionError.self) { try await managed.pipeline(ping) }
            #expect(
                waiting?.description.contains("connection refused (next attempt in") == true,
                "\(String(describing: waiting))")
            #expect(waiting?.isTimeout == false, "refused is not a timeout")

            try await server.start()
            // Pretend the backoff elapsed by passing a later instant.
            let later = ContinuousClock.now + .seconds(31)
            #expect(try await managed.pipeline(ping, now: later)[0].value.stringValue == "PONG")
            #expect(await managed.connectCount == 2)
            await managed.close()
        }
    }

    @Test("the wait after a timeout is a timeout too: a stalled server is one kind of outage")
    func waitAfterTimeout() async throws {
        let stalled = try await FakeRESPServer(behavior: .stall)
        let managed = ManagedConnection(
            endpoint: Endpoint(address: .tcp(host: "127.0.0.1", port: stalled.port)),
            configuration: ConnectionConfiguration(
                connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(200)),
            backoff: ReconnectBackoff(initial: .seconds(30), maximum: .seconds(30)))
        let ping = [RESPCommand("PING")]
        let first = await #expect(throws: RedisConnectionError.self) { try await managed.pipeline(ping) }
        #expect(first?.isTimeout == true, "\(String(describing: first))")
        let waiting = await #expect(throws: RedisConnectionError.self) { try await managed.pipeline(ping) }
        #expect(waiting?.description.contains("(next attempt in") == true, "\(String(describing: waiting))")
        #expect(waiting?.isTimeout == true, "\(String(describing: waiting))")
        await managed.close()
        await stalled.stop()
    }
}
