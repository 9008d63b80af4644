import Foundation
import TestSupport
import Testing

/// `cachewatch report` on a recorded incident: an HTML page that needs no network, and Markdown
/// with the same figures.
@Suite("Post-mortem reports", .sameOnEveryServer)
struct ReportCommandTests {
    @Test("the HTML page: the incident (cause, symptoms beneath), graphs as inline SVG, nothing fetched")
    func html() async throws {
        let directory = try TemporaryDirectory()
        try RecordedIncident.write(into: directory.path)
        let out = directory.path + "/report.html"
        let result = try await CachewatchBinary.run(["report", directory.path, "--out", out])
        #expect(result.code == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        #expect(page.contains("<td>MemoryFull</td>"))
        #expect(page.contains("└ EvictionStorm") && page.contains("(symptom of MemoryFull{node=cache-1:6379})"))
        #expect(page.components(separatedBy: "<svg ").count - 1 >= 7, "a timeline and six graphs")
        #expect(page.contains("2027-01-15 08:04:01 UTC"), "MemoryFull fired when memory filled")
        // Needs no network: nothing is fetched — no script, no external style, image, font or frame.
        for forbidden in [
            "<script", "<link", "<img", "<iframe", "<object", "src=", "href=", "url(", "@import", "http://", "https://",
        ] {
            #expect(!page.lowercased().contains(forbidden), "the page refers to \(forbidden)")
        }
        // A window: the first three minutes, before the incident — the warnings only: the
        // keyspace's (big keys, a wave of prices ahead) and memory full soon at its trend.
        let calm = try await CachewatchBinary.run(["report", directory.path, "--to=+3m", "--out", "-"])
        #expect(calm.code == 0)
        let named = calm.stdout.components(separatedBy: "MemoryFull").dropFirst()
        #expect(
            named.allSatisfy { $0.hasPrefix("Soon") || $0.hasPrefix("Imminent") } && calm.stdout.contains("BigKey")
                && calm.stdout.contains("MemoryFullSoon"), "\(calm.stdout.prefix(3000))")
    }

    @Test("Markdown: the same incident and figures, a line of bars per graph")
    func markdown() async throws {
        let directory = try TemporaryDirectory()
        try RecordedIncident.write(into: directory.path)
        let out = directory.path + "/report.md"
        let result = try await CachewatchBinary.run(["report", directory.path, "--out", out])
        #expect(result.code == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("# cachewatch report"))
        #expect(text.contains("| MemoryFull | warning | cache-1:6379 | 2027-01-15 08:04:01 UTC |"))
        #expect(text.contains("| └ EvictionStorm | critical |"))
        #expect(text.contains("**Hit ratio**") && text.contains("| cache-1:6379 | 60.0% |"), "\(text)")
        #expect(text.contains("▁") && text.contains("█"))
        let bad = try await CachewatchBinary.run(["report", directory.path, "--out", directory.path + "/x.pdf"])
        #expect(bad.code != 0 && bad.stderr.contains("--out must end in .html or .md"))
    }

    @Test("replay --snapshot: the CSV files of a window, as a snapshot at its end would have written them")
    func snapshotOfWindow() async throws {
        let directory = try TemporaryDirectory()
        try RecordedIncident.write(into: directory.path)
        let out = try TemporaryDirectory()
        let result = try await CachewatchBinary.run([
            "replay", directory.path, "--snapshot", "--out", out.path, "--from=+3m", "--to=+6m",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        try expectOneSnapshot(in: out.path)
        let snapshot = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first)
        let metrics = try String(contentsOfFile: "\(out.path)/\(snapshot)/metrics.csv", encoding: .utf8)
        let rows = metrics.split(separator: "\r\n").count - 1
        #expect((180...182).contains(rows), "three minutes of 1 s polls: \(rows)")
        let alerts = try String(contentsOfFile: "\(out.path)/\(snapshot)/alerts.csv", encoding: .utf8)
        #expect(alerts.contains("MemoryFull,firing,warning,cache-1:6379"))
        #expect(
            alerts.contains("EvictionStorm,firing,critical,cache-1:6379,,,1500,")
                && alerts.contains("MemoryFull{node=cache-1:6379}"))
        let manifest = try String(contentsOfFile: "\(out.path)/\(snapshot)/manifest.json", encoding: .utf8)
        #expect(manifest.contains("2027-01-15T08:06:01"), "taken at the window's end: \(manifest)")
        // The keyspace as recorded last before the window's end: big keys, namespaces, the
        // prices' wave at 08:12:00 six minutes ahead (360 s), the TTL histogram.
        let bigKeys = try String(contentsOfFile: "\(out.path)/\(snapshot)/bigkeys.csv", encoding: .utf8)
        #expect(bigKeys.contains("cache-1:6379,by_memory,1,report:daily,"), "\(bigKeys.prefix(400))")
        let namespaces = try String(contentsOfFile: "\(out.path)/\(snapshot)/namespaces.csv", encoding: .utf8)
        let prices = try #require(namespaces.split(separator: "\r\n").first { $0.contains(",price:*,") })
        #expect(prices.split(separator: ",").map(String.init).contains("0"), "no TTL jitter: \(prices)")
        let forecast = try String(contentsOfFile: "\(out.path)/\(snapshot)/expiry_forecast.csv", encoding: .utf8)
        let peak = forecast.split(separator: "\r\n").dropFirst().max {
            Double($0.split(separator: ",").last ?? "") ?? 0 < Double($1.split(separator: ",").last ?? "") ?? 0
        }
        #expect(peak?.hasPrefix("cache-1:6379,359,2027-01-15T08:12:00") == true, "\(peak ?? "-")")
        #expect(manifest.contains("\"sampled_keys\""), "\(manifest)")
    }
}
