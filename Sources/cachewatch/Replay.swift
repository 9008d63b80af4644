import ArgumentParser
import CursesTerminal
import Export
import Foundation
import Metrics
import Recording

/// `cachewatch replay DIR`: a recording shown again — the dashboard as it was at any moment,
/// or the lines `watch` printed (`--format`), from and to any moment.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a recording made with --record: the dashboard as it was, or the lines watch printed.",
        discussion: """
            Without --format, the dashboard opens on the recording at --from (default: its start), \
            paused: space plays (x faster, z slower: ×1 to ×60), ←/→ step a tick, ,/. move a \
            minute, </> ten, g goes to a time typed in; every view shows that moment, alerts and \
            incidents included (the keyspace view needs key sampling, which is not recorded). \
            Times: 03:12 or 03:12:30 (that time of day, local time, on the recording's last day), \
            -2h or -90s (before the recording's end), +10m (after its start), an ISO 8601 date \
            (2026-12-06T03:12:00Z) or seconds since 1970; a value that starts with - is written \
            with = (--from=-2h). A recording still being written can be replayed: what was \
            committed (up to the last second) is read.
            """,
        helpNames: [.long]
    )

    /// What `--format` prints.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, logfmt, csv, openmetrics
    }

    @Argument(help: ArgumentHelp("The directory given to --record.", valueName: "DIR"))
    var directory: String

    @Option(
        name: .long,
        help:
            "Print instead of opening the dashboard: the lines watch printed — table, json or logfmt (with the alert events) — or csv (watch --csv's rows), or openmetrics (every sample timestamped, for promtool tsdb create-blocks-from openmetrics)."
    )
    var format: Format?

    @Option(
        name: .long, help: ArgumentHelp("Start at this moment (default: the recording's start).", valueName: "TIME"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("End at this moment (default: the recording's end).", valueName: "TIME"))
    var to: String?

    @Flag(
        name: .long,
        help: "After each metric line, print the node's per-namespace figures, as watch --namespaces (json, logfmt).")
    var namespaces = false

    @Flag(
        name: .long,
        help:
            "After each metric line of a cluster node with slot stats, print its hottest slots, as watch --slots (json, logfmt)."
    )
    var slots = false

    @OptionGroup(title: "Alerts (the dashboard's alerts view: the rules' names, health and incidents)")
    var alerting: AlertOptions

    @Flag(
        name: .long,
        help:
            "Write a snapshot of the window (--from to --to) instead: the CSV files of `cachewatch snapshot`, as they would have been at --to (no key sample: bigkeys and TTL files stay empty)."
    )
    var snapshot = false

    @Option(name: .long, help: ArgumentHelp("With --snapshot: where its directory is written.", valueName: "DIR"))
    var out = "."

    @Flag(name: .customLong("redact-keys"), help: "With --snapshot: replace key names by stable tokens.")
    var redactKeys = false

    @Flag(name: .long, help: "Dashboard: start playing at once (×1).")
    var play = false

    @Flag(name: .customLong("no-color"), help: "Dashboard: no colours (also when NO_COLOR is set).")
    var noColor = false

    func validate() throws {
        if snapshot && format != nil { throw ValidationError("--snapshot and --format go apart") }
        if !snapshot && (out != "." || redactKeys) {
            throw ValidationError("--out and --redact-keys go with --snapshot")
        }
        if namespaces && format != .json && format != .logfmt {
            throw ValidationError("--namespaces needs --format json or logfmt")
        }
        if slots && format != .json && format != .logfmt {
            throw ValidationError("--slots needs --format json or logfmt")
        }
        for (flag, text) in [("--from", from), ("--to", to)] {
            if let text, ReplayTime(text) == nil {
                throw ValidationError("\(flag) '\(text)' is not a time (03:12, -2h, +10m, 2026-12-06T03:12:00Z)")
            }
        }
    }

    func run() async throws {
        if format == nil && !snapshot { try TerminalCheck.requireTerminal() }
        let recording: Recording
        do {
            recording = try Recording(directory: directory)
        } catch {
            throw CLIFailure(error.description)
        }
        let span: ClosedRange<Double>
        do {
            guard let recorded = try recording.span() else { throw CLIFailure("\(directory): nothing recorded yet") }
            span = recorded
        } catch let error as RecordingError {
            throw CLIFailure(error.description)
        }
        let start = from.flatMap(ReplayTime.init)?.resolve(in: span)
        let end = to.flatMap(ReplayTime.init)?.resolve(in: span)
        if let start, let end, end < start {
            throw CLIFailure("--to (\(Self.stamp(end))) is before --from (\(Self.stamp(start)))")
        }
        if snapshot {
            try writeSnapshot(recording, from: start ?? span.lowerBound, to: end ?? span.upperBound)
            return
        }
        guard let format else {
            try await openDashboard(at: start ?? span.lowerBound)
            return
        }
        if format == .openmetrics {
            var replay = OpenMetricsReplay(recording: recording)
            replay.start = start
            replay.end = end
            do {
                try replay.run { bytes in
                    do {
                        try FileHandle.standardOutput.write(contentsOf: Data(bytes))
                    } catch {
                        throw CLIFailure("cannot write to the standard output: \(SnapshotError.reason(of: error))")
                    }
                }
            } catch let error as RecordingError {
                throw CLIFailure(error.description)
            }
            return
        }
        let lineFormat: LineReplay.Format
        switch format {
        case .table: lineFormat = .lines(.table)
        case .json: lineFormat = .lines(.json)
        case .logfmt: lineFormat = .lines(.logfmt)
        case .csv, .openmetrics: lineFormat = .csv
        }
        var replay = LineReplay(recording: recording, format: lineFormat)
        replay.namespaces = namespaces
        replay.slots = slots
        replay.start = start
        replay.end = end
        let lineEnd = Array((format == .csv ? "\r\n" : "\n").utf8)
        // Written in blocks: a day of five nodes is half a million lines.
        var buffer: [UInt8] = []
        func flush() throws {
            guard !buffer.isEmpty else { return }
            do {
                try FileHandle.standardOutput.write(contentsOf: Data(buffer))
            } catch {
                throw CLIFailure("cannot write to the standard output: \(SnapshotError.reason(of: error))")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        do {
            let ticks = try replay.run { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(contentsOf: lineEnd)
                if buffer.count >= 1 << 16 { try flush() }
            }
            try flush()
            if ticks == 0 {
                ConsoleOutput.error(
                    "cachewatch: nothing recorded between \(Self.stamp(start ?? span.lowerBound)) and \(Self.stamp(end ?? span.upperBound)) (the recording spans \(Self.stamp(span.lowerBound)) – \(Self.stamp(span.upperBound)))"
                )
            }
        } catch let error as RecordingError {
            throw CLIFailure(error.description)
        }
    }

    /// `--snapshot`: the window's CSV files, as a snapshot taken at its end would have written.
    private func writeSnapshot(_ recording: Recording, from start: Double, to end: Double) throws {
        do {
            let session = try ReplaySession(recording: recording, historySeconds: max(60, end - start))
            let state = try session.state(at: end)
            let events = try recording.alertEvents(from: start, to: end)
            let snapshot = Snapshot(
                toolVersion: CachewatchVersion.current, endpoint: recording.metadata["endpoints"] ?? directory,
                node: state.store.nodeNames.first ?? "", store: state.store, keyspaces: state.keyspaces, events: events,
                active: state.activeAlerts, windowStart: start, takenAt: Date(timeIntervalSince1970: end))
            let path = try SnapshotWriter(options: ExportOptions(redactsKeys: redactKeys)).write(snapshot, into: out)
            ConsoleOutput.error("snapshot of \(Self.stamp(start)) – \(Self.stamp(end)) written to \(path)")
        } catch let error as RecordingError {
            throw CLIFailure(error.description)
        } catch let error as SnapshotError {
            throw CLIFailure(error.description)
        }
    }

    /// The dashboard on the recording, from `time` (the recording opened again on the main
    /// actor, which owns the terminal and the session).
    private func openDashboard(at time: Double) async throws {
        let (directory, play) = (directory, play)
        let rules = try alerting.load()
        let colors = !noColor && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        SignalTrap.install(exitImmediately: false)
        try await MainActor.run {
            let session: ReplaySession
            let recording: Recording
            do {
                recording = try Recording(directory: directory)
                session = try ReplaySession(recording: recording, rules: rules)
            } catch {
                throw CLIFailure("\(error)")
            }
            let snapshots = SnapshotTarget(
                directory: ".", options: ExportOptions(), endpoint: recording.metadata["endpoints"] ?? directory,
                toolVersion: CachewatchVersion.current)
            var loop = ReplayLoop(session: session, colors: colors, snapshots: snapshots)
            loop.shouldStop = { SignalTrap.received != nil }
            loop.run(from: time, play: play)
        }
        SignalTrap.exitIfSignalled()
    }

    private static func stamp(_ seconds: Double) -> String {
        ValueFormatting.iso8601(Date(timeIntervalSince1970: seconds))
    }
}
