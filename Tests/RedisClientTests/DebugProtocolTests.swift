import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

/// `DEBUG PROTOCOL <type>` makes a real server emit each RESP3 type.
@Suite("RESP3 types from a real server")
struct DebugProtocolTests {
    @Test("every DEBUG PROTOCOL type decodes under HELLO 3")
    func decodesEveryType() async throws {
        // DEBUG is off by default from Redis 7 on; 6.2 has no such setting and allows it.
        try await withRedisServer(ServerBinary.majorVersion >= 7 ? ["--enable-debug-command", "yes"] : []) { server in
            let connection = try await server.client()
            #expect(connection.protocolVersion == 3)
            let types = [
                "string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
                "verbatim", "true", "false",
            ]
            let replies = try await connection.pipeline(types.map { RESPCommand("DEBUG", "PROTOCOL", $0) })
            var byType: [String: RESPValue] = [:]
            for (type, reply) in zip(types, replies) { byType[type] = reply.value }

            #expect(byType["string"]?.stringValue == "Hello World")
            #expect(byType["integer"] == .integer(12345))
            if case .double(let value) = byType["double"] {
                // Redis 7 sends 3.141, 6.2 sends pi to 11 decimals.
                #expect(abs(value - 3.141) < 1e-9 || abs(value - 3.14159265359) < 1e-9, "\(value)")
            } else {
                Issue.record("double: \(String(describing: byType["double"]))")
            }
            #expect(byType["bignum"] == .bigNumber("1234567999999999999999999999999999999"))
            #expect(byType["null"] == .null)
            #expect(byType["array"] == .array([.integer(0), .integer(1), .integer(2)]))
            if case .set(let elements) = byType["set"] {
                #expect(Set(elements) == [.integer(0), .integer(1), .integer(2)])
            } else {
                Issue.record("set: \(String(describing: byType["set"]))")
            }
            if case .map(let pairs) = byType["map"] {
                #expect(pairs.count == 3)
                #expect(pairs.contains(RESPPair(key: .integer(0), value: .boolean(false))))
                #expect(pairs.contains(RESPPair(key: .integer(1), value: .boolean(true))))
            } else {
                Issue.record("map: \(String(describing: byType["map"]))")
            }
            if case .attributed(let attributes, let value) = byType["attrib"] {
                #expect(attributes.first?.key.stringValue == "key-popularity")
                #expect(value.stringValue == "Some real reply following the attribute")
            } else {
                Issue.record("attrib: \(String(describing: byType["attrib"]))")
            }
            // The push is out of band (not matched to a command); the command's own reply follows it.
            #expect(byType["push"]?.stringValue == "Some real reply following the push reply")
            #expect(
                byType["verbatim"]
                    == .verbatimString(format: "txt", text: ByteBuffer(string: "This is a verbatim\nstring"))
            )
            #expect(byType["true"] == .boolean(true))
            #expect(byType["false"] == .boolean(false))
            #expect(connection.isActive)
            await connection.close()
        }
    }
}
