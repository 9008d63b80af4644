import Foundation
import Metrics
import Testing

@Suite("Metric help texts")
struct MetricHelpTests {
    /// Each case's documentation comment in Metric.swift, joined into one line (backticks out).
    static func documentation() throws -> [String: String] {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Metrics/Metric.swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        var docs: [String: String] = [:]
        var pending: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("///") {
                pending.append(trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces))
            } else if trimmed.hasPrefix("case "),
                let name = trimmed.dropFirst(5).split(whereSeparator: { !$0.isLetter && !$0.isNumber }).first
            {
                // The declaration, not the switches further down.
                if docs[String(name)] == nil, !pending.isEmpty {
                    docs[String(name)] = pending.joined(separator: " ").replacingOccurrences(of: "``", with: "")
                        .replacingOccurrences(of: "`", with: "")
                }
                pending = []
            } else {
                pending = []
            }
        }
        return docs
    }

    @Test("every metric's help is its documentation comment, one line, so HELP and the docs cannot drift")
    func matchesDocumentation() throws {
        let docs = try Self.documentation()
        for metric in Metric.allCases {
            let name = String(describing: metric)
            #expect(!metric.help.isEmpty && !metric.help.contains("\n"), "\(name)")
            #expect(
                docs[name] == metric.help,
                "\(name): the help differs from its doc comment — regenerate Metric+Help.swift")
        }
    }
}
