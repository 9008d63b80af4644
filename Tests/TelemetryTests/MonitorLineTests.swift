import Telemetry
import TestSupport
import Testing

@Suite("MONITOR lines", .sameOnEveryServer)
struct MonitorLineTests {
    private func line(_ text: String) -> MonitorLine? { MonitorLine(Array(text.utf8)) }

    @Test("time, database, client, command and key; the value is not kept")
    func set() throws {
        let parsed = try #require(
            line(#"1700000000.123456 [3 127.0.0.1:50312] "set" "user:42" "secret value" "EX" "60""#))
        #expect(parsed.time == 1_700_000_000.123456)
        #expect(parsed.database == 3)
        #expect(parsed.client == Array("127.0.0.1:50312".utf8))
        #expect(parsed.command == "SET")
        #expect(parsed.keys == [Array("user:42".utf8)])
        #expect(!"\(parsed)".contains("secret"))
    }

    @Test("escapes in keys are decoded; lua and unix clients; IPv6")
    func escapes() throws {
        let parsed = try #require(line(#"1.5 [0 lua] "GET" "a\"b\\c\x00\xffd\n""#))
        #expect(parsed.keys == [[0x61, 0x22, 0x62, 0x5C, 0x63, 0x00, 0xFF, 0x64, 0x0A]])
        #expect(parsed.client == Array("lua".utf8))
        #expect(line(#"2.0 [0 unix:/tmp/redis.sock] "GET" "k""#)?.client == Array("unix:/tmp/redis.sock".utf8))
        #expect(line(#"2.0 [0 [::1]:6379] "GET" "k""#)?.client == Array("[::1]:6379".utf8))
    }

    @Test("key positions: MGET and DEL all, MSET every other, RENAME two, HGET the first")
    func positions() {
        #expect(line(#"1.0 [0 c:1] "MGET" "a" "b" "c""#)?.keys.count == 3)
        #expect(line(#"1.0 [0 c:1] "DEL" "a" "b""#)?.keys.count == 2)
        #expect(line(#"1.0 [0 c:1] "MSET" "a" "1" "b" "2""#)?.keys == [[0x61], [0x62]])
        #expect(line(#"1.0 [0 c:1] "RENAME" "a" "b""#)?.keys == [[0x61], [0x62]])
        #expect(line(#"1.0 [0 c:1] "HGET" "h" "field""#)?.keys == [[0x68]])
        #expect(line(#"1.0 [0 c:1] "PING""#)?.keys == [])
        #expect(line(#"1.0 [0 c:1] "TYPE" "k""#)?.keys == [], "metadata reads name no key")
    }

    @Test("AUTH, HELLO and CONFIG are dropped whole; garbage is not a command")
    func hidden() {
        #expect(line(#"1.0 [0 c:1] "AUTH" "user" "password""#) == nil)
        #expect(line(#"1.0 [0 c:1] "hello" "3" "AUTH" "u" "p""#) == nil)
        #expect(line(#"1.0 [0 c:1] "CONFIG" "SET" "requirepass" "x""#) == nil)
        #expect(line("OK") == nil)
        #expect(line(#"1.0 [0 c:1] "GET" "unterminated"#) == nil)
        #expect(line(#"1.0 [0 c:1] "GET" "bad\x4""#) == nil)
        #expect(line("") == nil)
        #expect(line(#"1.0 [0 c:1] """#) == nil)
    }
}
