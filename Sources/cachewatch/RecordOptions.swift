import ArgumentParser
import Engine
import Foundation
import Recording

/// `--record DIR` and its limits, on `watch`, `exporter` and `top`.
struct RecordOptions: ParsableArguments {
    @Option(
        name: .customLong("record"),
        help: ArgumentHelp(
            "Record everything the engine knows at each poll (every node's figures, namespaces, INFO, slow log, alerts, notices) into a SQLite store in DIR, for `cachewatch replay DIR` and `cachewatch report DIR`. Committed once a second: a crash loses at most the last second. A write that fails (a full disk) stops recording in one line; monitoring goes on. What DIR recorded a week or a day ago is the usual traffic of that time of day for the surge ratios.",
            valueName: "DIR"))
    var directory: String?

    @Option(
        name: .customLong("record-retention"),
        help: ArgumentHelp(
            "Prune recorded data older than this while recording (90s, 30m, 12h, 7d, 2w).", valueName: "DURATION"))
    var retention = RecordDuration(seconds: Recorder.defaultRetention)

    @Option(
        name: .customLong("record-max-size"),
        help: ArgumentHelp(
            "Keep the store under this size, the oldest data pruned first (500MB, 2GB; powers of 1,000).",
            valueName: "SIZE"))
    var maxSize = ByteSize(bytes: Recorder.defaultMaxBytes)

    /// The recorder, when `--record` was given: created (the directory checked) before anything
    /// connects, closed on every exit path (a signal too). Its failure later is one line on the
    /// error output.
    func recorder(command: String, endpoints: [String], interval: Double) throws -> Recorder? {
        guard let directory else { return nil }
        do {
            let recorder = try Recorder(
                directory: directory, retention: retention.seconds, maxBytes: maxSize.bytes,
                metadata: [
                    "tool_version": CachewatchVersion.current, "command": command,
                    "endpoints": endpoints.joined(separator: " "), "interval_seconds": String(interval),
                ],
                report: { ConsoleOutput.error($0) })
            SignalTrap.onExit { recorder.close() }
            return recorder
        } catch {
            throw CLIFailure(error.description)
        }
    }

    /// The usual traffic of each time of day from what the directory recorded in earlier runs
    /// (a week or a day ago), when `--record` was given: surge ratios compare with it there.
    var seasons: RecordedSeasons? {
        directory.map { RecordedSeasons(directory: $0, report: { ConsoleOutput.error($0) }) }
    }

    func validate() throws {
        if directory == nil
            && (retention.seconds != Recorder.defaultRetention || maxSize.bytes != Recorder.defaultMaxBytes)
        {
            throw ValidationError("--record-retention and --record-max-size go with --record")
        }
        if let directory, directory.isEmpty { throw ValidationError("--record needs a directory") }
    }
}
