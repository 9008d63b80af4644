import Metrics
import TestSupport
import Testing

/// `cachewatch rules --metrics`: the vocabulary as its declarations say, one line per metric.
@Suite("rules --metrics", .sameOnEveryServer)
struct RulesMetricsTests {
    @Test("every metric is listed once with its unit, label, source and help")
    func vocabulary() async throws {
        let listed = try await CachewatchBinary.run(["rules", "--metrics"])
        #expect(listed.code == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("METRIC") == true)
        for metric in Metric.allCases {
            let matching = lines.filter { $0.hasPrefix(metric.name + " ") }
            #expect(matching.count == 1, "\(metric.name): \(matching)")
            guard let line = matching.first else { continue }
            let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(columns.count > 3 && columns[1] == metric.unit.rawValue, "\(line)")
            #expect(columns.count > 3 && columns[2] == (metric.label?.rawValue ?? "node"), "\(line)")
            #expect(line.contains(metric.source.rawValue) && line.hasSuffix(metric.help), "\(line)")
        }
        #expect(lines.count == Metric.allCases.count + 2)
    }
}
