import RESP
import RedisClient
import TestSupport
import Testing

/// Faults only a fake server can produce. Each must give one typed, one-line error, no crash.
@Suite("Misbehaving servers", .sameOnEveryServer)
struct FaultInjectionTests {
    private func endpoint(_ server: FakeRESPServer) -> Endpoint {
        Endpoint(address: .tcp(host: "127.0.0.1", port: server.port))
    }

    @Test("garbage bytes are a protocol error")
    func garbage() async throws {
        let server = try await FakeRESPServer(behavior: .reply(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)))
        let error = await #expect(throws: RedisProtocolError.self) {
            try await RedisConnection.connect(to: endpoint(server), group: server.group)
        }
        #expect(error?.description == "protocol error from 127.0.0.1:\(server.port): invalid RESP type byte 0x48 ('H')")
        await server.stop()
    }

    @Test("a truncated frame then close is a closed connection")
    func truncated() async throws {
        let server = try await FakeRESPServer(behavior: .replyThenClose(Array("$100\r\nonly a part".utf8)))
        let error = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(to: endpoint(server), group: server.group)
        }
        #expect(error?.description == "connection to 127.0.0.1:\(server.port) closed")
        await server.stop()
    }

    @Test("a stall past the timeout is a timeout, after the handshake too")
    func stall() async throws {
        let server = try await FakeRESPServer(behavior: .stall)
        let configuration = ConnectionConfiguration(
            connectTimeout: .milliseconds(300), commandTimeout: .milliseconds(200))
        let error = await #expect(throws: RedisConnectionError.self) {
            try await RedisConnection.connect(to: endpoint(server), configuration: configuration, group: server.group)
        }
        #expect(error?.isTimeout == true)
        #expect(error?.description == "cannot connect to 127.0.0.1:\(server.port): no answer within 300ms")
        await server.stop()

        // After a good handshake, a stalled command fails with the command timeout.
        try await withRedisServer { real in
            let connection = try await RedisConnection.connect(
                to: real.endpoint,
                configuration: ConnectionConfiguration(commandTimeout: .milliseconds(200), policy: .unrestricted))
            let admin = try await real.client()
            // Once CLIENT PAUSE has replied, the server holds every client's commands for 600 ms.
            _ = try await admin.send(RESPCommand("CLIENT", "PAUSE", "600", "ALL"))
            let timeout = await #expect(throws: RedisConnectionError.self) {
                try await connection.send(RESPCommand("PING"))
            }
            #expect(timeout?.description == "127.0.0.1:\(real.port) did not reply within 200ms (command timeout)")
            #expect(try await eventually { !connection.isActive }, "a timed-out connection must be closed")
            await admin.close()
        }
    }
}
