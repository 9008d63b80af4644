import FuzzSupport
import NIOCore
import RESP
import Telemetry

/// Any bytes as replies (decoded as a server's stream) handed to every parser of a reply: a
/// pub/sub push's channel, a `MONITOR` line, `SLOWLOG`, `COMMANDLOG`, `CLUSTER SLOT-STATS`,
/// `CLUSTER SHARDS`, `HOTKEYS GET`. None may trap, and what they keep stays within the reply.
enum RepliesHarness {
    static func run(_ bytes: [UInt8]) {
        _ = MonitorLine(bytes)
        _ = KeyEventKind(channel: bytes)
        _ = try? ClusterTopology(nodesText: String(decoding: bytes, as: UTF8.self))
        var decoder = RESPStreamDecoder()
        var buffer = ByteBuffer(bytes: bytes)
        var activity = SlotActivity()
        while let value = try? decoder.next(from: &buffer) {
            _ = SlowlogEntry(reply: value)
            for element in value.elements ?? [] { _ = SlowlogEntry(reply: element) }
            for kind in CommandLogEntry.Kind.allCases {
                _ = (value.elements ?? []).compactMap { CommandLogEntry(reply: $0, kind: kind) }
            }
            let slots = (value.elements ?? []).compactMap(SlotStatsEntry.init(reply:))
            for entry in slots {
                FuzzReplay.check((0..<SlotStatsEntry.slotCount).contains(entry.slot), "slot \(entry.slot) kept")
            }
            activity.record(slots, for: 0...16383, at: .now)
            _ = activity.ranking()
            _ = try? ClusterTopology(shards: value)
            _ = HotkeysReport(reply: value)
        }
    }
}

#if FUZZING
@_cdecl("FuzzReplies_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, RepliesHarness.run)
}
#else
@main
enum Replay {
    static func main() { FuzzReplay.run(RepliesHarness.run) }
}
#endif
