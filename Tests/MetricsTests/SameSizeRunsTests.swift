import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@Suite("same-size runs in big-key lists", .sameOnEveryServer)
struct SameSizeRunsTests {
    private func key(_ name: String, _ bytes: Int64, type: String = "string") -> KeyMetadata {
        KeyMetadata(name: Array(name.utf8), type: type, memoryBytes: bytes)
    }

    private func shapes(_ keys: [KeyMetadata]) -> [String] {
        SameSizeRuns.of(keys, namespace: { NamespacePattern.of($0.name) }).map { run in
            run.count == 1
                ? String(decoding: run[0].name, as: UTF8.self)
                : "\(run.count)× " + NamespacePattern.of(run[0].name) + " "
                    + SameSizeRuns.sizeText(run) { String(Int($0)) }
        }
    }

    @Test("a namespace's keys of about one size are one run; a slope within 20 % too, with its range")
    func runs() {
        #expect(shapes((0..<18).map { key("page:\($0)", 14_100 - Int64($0)) }) == ["18× page:* about this size each"])
        #expect(
            shapes((0..<30).map { key("user:\($0)", 1_170 - Int64($0) * 3) })
                == ["30× user:* 1083–1170 each"])
    }

    @Test("a run never hides a much bigger key, another namespace or type, or a key of its own name")
    func breaks() {
        // A gradient that loses 4 % a step: a new run once 20 % below the first.
        let slope = (0..<10).map { key("blob:\($0)", Int64(10_000 * pow(0.96, Double($0)))) }
        #expect(shapes(slope).count == 2, "\(shapes(slope))")
        #expect(shapes([key("a:1", 100), key("b:2", 100), key("a:3", 100)]) == ["a:1", "b:2", "a:3"])
        #expect(shapes([key("a:1", 100), key("a:2", 100, type: "hash")]) == ["a:1", "a:2"])
        #expect(shapes([key("report:daily", 100), key("report:daily", 99)]) == ["report:daily", "report:daily"])
        #expect(SameSizeRuns.meanMemory([key("a:1", 100), key("a:2", 200)]) == 150)
    }
}
