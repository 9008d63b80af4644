import Export
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

/// The text report's quieter parts: same-size keys of one namespace on one line, expiry waves
/// above a minimum in the order they come, a singular key.
@Suite("scan's text report", .sameOnEveryServer)
struct ScanReportTextTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func report(_ keys: [KeyMetadata]) -> String {
        var model = KeyspaceModel(configuration: KeyspaceModel.Configuration(topK: 20, horizonSeconds: 600))
        for key in keys { model.record(key, now: now) }
        model.updateTotal(keys: Int64(keys.count))
        model.completePass()
        model.refresh(now: now)
        return ScanReport(
            model: model, node: "n", finishedAt: now, elapsedSeconds: 1, complete: true, interrupted: false,
            commandsSent: 0, unavailable: []
        ).text
    }

    @Test("eighteen pages of one size are one line; the other big keys keep theirs")
    func sameSizeCollapsed() {
        var keys = (0..<18).map {
            KeyMetadata(name: Array("page:\($0):html".utf8), type: "string", memoryBytes: 14_400 + Int64($0 * 10))
        }
        keys.append(KeyMetadata(name: Array("report:daily".utf8), type: "string", memoryBytes: 90_000))
        keys.append(KeyMetadata(name: Array("page:99:html".utf8), type: "string", memoryBytes: 3_000))
        let text = Self.report(keys)
        let section = text.components(separatedBy: "Biggest keys by memory")[1].components(separatedBy: "\n\n")[0]
        let lines = section.split(separator: "\n").dropFirst()  // the header
        #expect(lines.count == 3, "\(section)")
        #expect(lines.contains { $0.contains("report:daily") })
        #expect(lines.contains { $0.contains("18× page:*:html, about this size each") && $0.contains("~14.") })
        #expect(lines.contains { $0.contains("page:99:html") }, "a page of another size keeps its line")
    }

    @Test("waves of 100 keys or more, soonest first; a handful sharing a second is none")
    func waves() {
        func expiring(_ prefix: String, count: Int, inSeconds seconds: Int) -> [KeyMetadata] {
            (0..<count).map {
                var key = KeyMetadata(
                    name: Array("\(prefix):\($0)".utf8), type: "string", ttlMilliseconds: Int64(seconds * 1000 + 200),
                    memoryBytes: 100)
                key.observedAt = Self.now
                return key
            }
        }
        let text = Self.report(
            expiring("late", count: 300, inSeconds: 400) + expiring("soon", count: 150, inSeconds: 60)
                + expiring("few", count: 3, inSeconds: 30))
        let section = text.components(separatedBy: "Expiry waves")[1]
        let lines = section.split(separator: "\n").dropFirst()
        #expect(lines.count == 2, "\(section)")
        #expect(lines.first?.contains("in 1m") == true && lines.first?.contains("~150 keys") == true, "\(section)")
        #expect(lines.last?.contains("~300 keys") == true)
        #expect(Self.report([KeyMetadata(name: Array("one".utf8), type: "string")]).hasPrefix("n: 1 key sampled"))
    }
}
