import Foundation
import TestSupport
import Testing

/// The fuzz harnesses, built plainly, replay their seed corpora (replies recorded from real
/// servers, `scripts/fuzz-seeds`) with every check: what the fuzzer starts from holds, and a
/// harness that stopped building or checking would show here before a fuzz run.
@Suite("fuzz harnesses on their seed corpora", .sameOnEveryServer)
struct FuzzCorpusTests {
    private static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    @Test(
        "each harness replays its corpus, every check held",
        arguments: ["FuzzRESP", "FuzzHostileRESP", "FuzzReplies", "FuzzInfo", "FuzzURL", "FuzzRules", "FuzzRDB"])
    func replays(harness: String) async throws {
        let binary = URL(fileURLWithPath: CachewatchBinary.path).deletingLastPathComponent()
            .appendingPathComponent(harness).path
        let corpus = Self.root.appendingPathComponent("Fuzz/Corpus/\(harness)").path
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus)
        #expect(files.count >= 3, "seeds of \(harness)")
        // What the fuzzer once found stays fixed: Fuzz/Regressions/<harness> replays too.
        let regressions = Self.root.appendingPathComponent("Fuzz/Regressions/\(harness)").path
        let found = (try? FileManager.default.contentsOfDirectory(atPath: regressions)) ?? []
        let process = try ChildProcess(
            executable: binary, arguments: [corpus] + (found.isEmpty ? [] : [regressions]))
        let code = try await process.waitForExit(timeout: .seconds(120))
        #expect(code == 0, "\(process.standardError.suffix(500))")
        #expect(process.standardOutput.contains("\(files.count + found.count) inputs replayed, every check held"))
    }
}
