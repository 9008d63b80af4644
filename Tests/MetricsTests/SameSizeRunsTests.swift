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

@Suite("the memory ranking kept for runs", .sameOnEveryServer)
struct RunRankingTests {
    @Test("one namespace's many same-size keys take at most K of the deeper ranking: the next namespaces show")
    func diverse() {
        var model = KeyspaceModel()
        func record(_ name: String, _ bytes: Int64) {
            Array(name.utf8).withUnsafeBytes { buffer in
                model.record(
                    dumped: buffer, type: "string", ttlMilliseconds: nil, memoryBytes: bytes, length: nil,
                    frequency: nil,
                    idleSeconds: nil, nowMilliseconds: 0, now: Date(timeIntervalSince1970: 0))
            }
        }
        for index in 0..<500 { record("page:\(index)", 14_100) }
        for index in 0..<5 { record("user:\(index):profile", 1_170) }
        record("report:daily", 2_500_000)
        #expect(model.biggestByMemory.count == 20)
        #expect(model.biggestByMemory.first.map { String(decoding: $0.name, as: UTF8.self) } == "report:daily")
        #expect(model.biggestByMemory.dropFirst().allSatisfy { $0.name.starts(with: Array("page:".utf8)) })
        let deep = model.biggestByMemoryForRuns
        #expect(deep.filter { $0.name.starts(with: Array("page:".utf8)) }.count == 20)
        #expect(deep.filter { $0.name.starts(with: Array("user:".utf8)) }.count == 5)
        let runs = SameSizeRuns.of(deep, namespace: model.namespace(of:))
        #expect(runs.map(\.count) == [1, 20, 5])
    }
}
