import Foundation
import TestSupport
import Testing

/// Help screens compared with checked-in golden files. A missing golden is written and the
/// test fails, so nothing is accepted unseen: read the new file, then commit it.
@Suite("Help screens", .sameOnEveryServer)
struct HelpGoldenTests {
    private static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    @Test(
        "help output matches its golden file",
        arguments: [
            (["--help"], "help.txt"),
            (["watch", "--help"], "watch-help.txt"),
            (["exporter", "--help"], "exporter-help.txt"),
            (["scan", "--help"], "scan-help.txt"),
            (["profile", "--help"], "profile-help.txt"),
            (["rules", "--help"], "rules-help.txt"),
            (["check", "--help"], "check-help.txt"),
            (["snapshot", "--help"], "snapshot-help.txt"),
            (["top", "--help"], "top-help.txt"),
            (["demo", "--help"], "demo-help.txt"),
            (["workload", "--help"], "workload-help.txt"),
            (["replay", "--help"], "replay-help.txt"),
            (["report", "--help"], "report-help.txt"),
        ])
    func helpMatchesGolden(arguments: [String], golden: String) async throws {
        let result = try await CachewatchBinary.run(arguments)
        #expect(result.code == 0)
        let file = Self.goldenDirectory.appendingPathComponent(golden)
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            try result.stdout.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("golden \(golden) was missing: recorded it, review and commit it")
            return
        }
        #expect(result.stdout == expected, "help changed; delete \(golden) to re-record it after review")
    }

    @Test("--version prints the version")
    func version() async throws {
        let result = try await CachewatchBinary.run(["--version"])
        #expect(result.code == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}
