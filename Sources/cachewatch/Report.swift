import ArgumentParser
import Export
import Foundation
import Metrics
import Recording

/// `cachewatch report DIR --out FILE.html|FILE.md`: a recording's window as a page for the
/// post-mortem.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a post-mortem report of a recording: a self-contained HTML page, or Markdown.",
        discussion: """
            The timeline of alerts and incidents (each cause with its symptoms beneath), graphs of \
            hit ratio, ops/s, evictions, expiries, misses, memory against maxmemory and latency with \
            the alerts' spans shaded, each node's figures, the namespaces that evicted, missed or \
            risked staleness most, the slowest commands (name and key only) and the topology and \
            connection changes. The HTML page needs no network: no script, its style and SVG \
            graphs inline; it prints. Times as for replay (03:12, -2h, +10m, a date; --from=-2h).
            """,
        helpNames: [.long]
    )

    @Argument(help: ArgumentHelp("The directory given to --record.", valueName: "DIR"))
    var directory: String

    @Option(
        name: .long,
        help: ArgumentHelp("Write here: .html for the page, .md for Markdown ('-': HTML to stdout).", valueName: "FILE")
    )
    var out: String

    @Option(
        name: .long, help: ArgumentHelp("Start at this moment (default: the recording's start).", valueName: "TIME"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("End at this moment (default: the recording's end).", valueName: "TIME"))
    var to: String?

    @Flag(name: .customLong("redact-keys"), help: "Replace key names by stable tokens (namespace patterns stay).")
    var redactKeys = false

    func validate() throws {
        for (flag, text) in [("--from", from), ("--to", to)] {
            if let text, ReplayTime(text) == nil {
                throw ValidationError("\(flag) '\(text)' is not a time (03:12, -2h, +10m, 2026-12-06T03:12:00Z)")
            }
        }
        if out != "-" && !out.hasSuffix(".html") && !out.hasSuffix(".htm") && !out.hasSuffix(".md") {
            throw ValidationError("--out must end in .html or .md (or be '-')")
        }
    }

    func run() throws {
        let data: ReportData
        do {
            let recording = try Recording(directory: directory)
            guard let span = try recording.span() else { throw CLIFailure("\(directory): nothing recorded yet") }
            let start = from.flatMap(ReplayTime.init)?.resolve(in: span)
            let end = to.flatMap(ReplayTime.init)?.resolve(in: span)
            if let start, let end, end < start { throw CLIFailure("--to is before --from") }
            data = try ReportData(recording: recording, from: start, to: end)
        } catch let error as RecordingError {
            throw CLIFailure(error.description)
        }
        let text =
            out.hasSuffix(".md")
            ? MarkdownReport.render(data, redactsKeys: redactKeys, toolVersion: CachewatchVersion.current)
            : HTMLReport.render(data, redactsKeys: redactKeys, toolVersion: CachewatchVersion.current)
        if out == "-" {
            try ConsoleOutput.line(text)
            return
        }
        do {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CLIFailure("cannot write \(out): \(SnapshotError.reason(of: error))")
        }
        ConsoleOutput.error(
            "report of \(data.ticks) polls (\(data.alerts.count) alerts) written to \(out)")
    }
}
