import NIOCore
import RESP
import Testing

@Suite("RESP command encoder")
struct RESPCommandTests {
    @Test("encodes as an array of bulk strings and round-trips through the decoder")
    func encodesAndRoundTrips() throws {
        let command = RESPCommand(bytes: [Array("SCAN".utf8), [0, 0xFF, 0x0D, 0x0A], []])
        var buffer = ByteBuffer()
        command.encode(into: &buffer)
        #expect(buffer.readableBytes == command.encodedLength)
        let expected: [UInt8] =
            Array("*3\r\n$4\r\nSCAN\r\n$4\r\n".utf8) + [0, 0xFF, 0x0D, 0x0A] + Array("\r\n$0\r\n\r\n".utf8)
        #expect(Array(buffer.readableBytesView) == expected)
        let decoded = try RESPDecoder().decode(from: &buffer)
        #expect(
            decoded
                == .array([
                    .bulkString(ByteBuffer(string: "SCAN")),
                    .bulkString(ByteBuffer(bytes: [0, 0xFF, 0x0D, 0x0A])),
                    .bulkString(ByteBuffer()),
                ]))
    }

    @Test("description names the command and never its arguments")
    func descriptionHidesArguments() {
        #expect(RESPCommand("AUTH", "alice", "hunter2").description == "AUTH (+2 arguments)")
        #expect(RESPCommand("SLOWLOG", "GET", "128").description == "SLOWLOG GET (+1 arguments)")
        let auth = RESPCommand("HELLO", "3", "AUTH", "alice", "hunter2")
        #expect(!auth.description.contains("hunter2"))
        #expect(!auth.description.contains("alice"))
        #expect(RESPCommand("PING").description == "PING")
    }
}
