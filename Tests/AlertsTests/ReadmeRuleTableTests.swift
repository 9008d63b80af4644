import Alerts
import Foundation
import TestSupport
import Testing

/// The README's table of built-in rules is what a newcomer reads first: it must name every rule
/// with the severity it has.
@Suite("the README's alert table", .sameOnEveryServer)
struct ReadmeRuleTableTests {
    /// The table's rows: the rule names of the first cell, the severities of the last.
    static func rows() throws -> [(names: [String], severities: [String])] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "| rule | fires when (defaults) | severity |") else { return [] }
        var rows: [(names: [String], severities: [String])] = []
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2) {
            guard line.hasPrefix("| `") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let names = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            let severities = (cells.last ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append((names, severities))
        }
        return rows
    }

    @Test("every built-in rule has a row, with its severity")
    func everyRule() throws {
        let rows = try Self.rows()
        #expect(rows.count > 20)
        for rule in DefaultRules.rules {
            guard let row = rows.first(where: { $0.names.contains(rule.name) }) else {
                Issue.record("\(rule.name) is not in the README's alert table")
                continue
            }
            let index = row.names.firstIndex(of: rule.name) ?? 0
            let severity = row.severities.count == row.names.count ? row.severities[index] : row.severities.first
            #expect(severity == rule.severity.rawValue, "\(rule.name): README says \(severity ?? "-")")
        }
    }
}
