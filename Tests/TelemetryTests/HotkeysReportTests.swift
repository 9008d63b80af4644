import NIOCore
import RESP
import Telemetry
import TestSupport
import Testing

/// `HOTKEYS GET` (Redis 8.6+) from replies recorded in the documented format: no such server
/// runs here.
@Suite("HOTKEYS GET replies", .sameOnEveryServer)
struct HotkeysReportTests {
    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    @Test("RESP2: pairs of fields, the CPU ranking as key, value…; unknown fields skipped")
    func resp2() throws {
        let reply = RESPValue.array([
            bulk("tracking-active"), .integer(1), bulk("sample-ratio"), .integer(1), bulk("selected-slots"),
            .array([]), bulk("all-commands-all-slots-us"), .integer(220), bulk("net-bytes-all-commands-all-slots"),
            .integer(200), bulk("collection-start-time-unix-ms"), .integer(1_769_420_604_522),
            bulk("collection-duration-ms"), .integer(6408), bulk("total-cpu-time-user-ms"), .integer(3),
            bulk("total-cpu-time-sys-ms"), .integer(11), bulk("some-future-field"), bulk("x"),
            bulk("by-cpu-time-us"),
            .array([bulk("y"), .integer(98), bulk("x"), .integer(104), bulk("z"), .integer(18)]),
        ])
        let report = try #require(HotkeysReport(reply: reply))
        #expect(report.isActive && report.sampleRatio == 1 && report.durationMilliseconds == 6408)
        #expect(report.allCommandsMicroseconds == 220 && report.allCommandsNetworkBytes == 200)
        #expect(report.byCPUMicroseconds.map { String(decoding: $0.key, as: UTF8.self) } == ["x", "y", "z"])
        #expect(report.byCPUMicroseconds.first?.value == 104)
        #expect(report.byNetworkBytes.isEmpty)
    }

    @Test("RESP3: a map, with the network ranking; binary keys kept byte for byte")
    func resp3() throws {
        let reply = RESPValue.map([
            RESPPair(key: bulk("tracking-active"), value: .integer(0)),
            RESPPair(key: bulk("collection-duration-ms"), value: .integer(60_000)),
            RESPPair(
                key: bulk("by-net-bytes"),
                value: .array([
                    .bulkString(ByteBuffer(bytes: [0x6B, 0xFF])), .integer(5_000_000), bulk("b"), .integer(7),
                ])),
        ])
        let report = try #require(HotkeysReport(reply: reply))
        #expect(!report.isActive)
        #expect(report.byNetworkBytes.first?.key == [0x6B, 0xFF] && report.byNetworkBytes.first?.value == 5_000_000)
    }

    @Test("no session (null), an error-shaped or odd reply: nothing")
    func nothing() {
        #expect(HotkeysReport(reply: .null) == nil)
        #expect(HotkeysReport(reply: .array([bulk("tracking-active")])) == nil)
        #expect(HotkeysReport(reply: .array([bulk("sample-ratio"), .integer(1)])) == nil)
    }
}
