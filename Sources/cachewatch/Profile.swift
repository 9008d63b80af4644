import ArgumentParser
import Engine
import Export
import Foundation
import Metrics
import RedisClient
import Telemetry

/// `cachewatch profile`: per-namespace reads, writes, deletes, hit ratio, top commands and top
/// keys from a time-boxed `MONITOR`.
struct Profile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Profile traffic per namespace for a while: reads, writes, deletes, hit ratio, top commands and keys.",
        discussion: """
            Uses MONITOR, on a connection of its own and only for the time asked: the server copies \
            every command to it, which costs it throughput while it is on (measured: \(ProfileCost.window) \
            with MONITOR on the whole time; \(ProfileCost.bursts) with --burst 0.25 --every 15). Each line is \
            cut to its command and keys as it arrives: values are never kept, printed or exported, and \
            AUTH/HELLO are not even counted. Misses come from keymiss events when the server publishes \
            them (notify-keyspace-events with E and m: exact), else from the cache-aside pattern (a \
            read, then a write of the same key by the same client within --refill-window seconds); the \
            output says which. A burst ends early if the stream falls 1 s behind the server (whose \
            buffer for a monitor has no limit). Ctrl-C ends the profile early and prints what it found.
            """,
        helpNames: [.long]
    )

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @OptionGroup(title: "Profile") var own: ProfileOptions

    // The command's own options, by their names.
    var duration: RecordDuration { own.duration }
    var burst: Double? { own.burst }
    var every: Double { own.every }
    var refillWindow: Double { own.refillWindow }
    var format: ProfileFormat { own.format }
    var csv: String? { own.csv }
    var top: Int { own.top }
    var hotkeys: Bool { own.hotkeys }
    var hotkeysSample: Int { own.hotkeysSample }

    /// The profile's length, in seconds.
    var seconds: Double { duration.seconds }

    @OptionGroup(title: "Exported key names and cells") var export: ExportFlags

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    func validate() throws {
        if hotkeys && burst != nil { throw ValidationError("--burst is for MONITOR: not with --hotkeys") }
        guard hotkeysSample >= 1, hotkeysSample <= 1_000_000 else {
            throw ValidationError("--hotkeys-sample must be from 1 to 1000000")
        }
        guard seconds > 0, seconds <= 86_400 else {
            throw ValidationError("--duration must be from 0 to 86400 seconds")
        }
        if let burst {
            guard burst >= 0.05 else { throw ValidationError("--burst must be at least 0.05 seconds") }
            guard every >= burst else { throw ValidationError("--every must be at least --burst") }
        }
        guard refillWindow > 0, refillWindow <= 60 else {
            throw ValidationError("--refill-window must be from 0 to 60 seconds")
        }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        connection.warnAboutPasswordInArguments(urls: serverURL.map { [$0] } ?? [])
        // An output that cannot be written stops the profile before it costs the server anything.
        let csvFile = try csv.map { path -> FileHandle in
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else { throw CLIFailure("cannot write the CSV file '\(path)'") }
            return handle
        }
        if hotkeys {
            try await runHotkeys(endpoint: endpoint, csvFile: csvFile)
            return
        }
        let schedule = burst.map { ProfileSchedule.bursts($0, every: every, for: seconds) } ?? .window(seconds)
        let profiler = NamespaceProfiler(
            endpoint: endpoint, configuration: connection.configuration, schedule: schedule, refillWindow: refillWindow)
        SignalTrap.install(exitImmediately: false)
        if isatty(STDERR_FILENO) == 1 {
            ConsoleOutput.error("profiling \(endpoint) for \(schedule) with MONITOR (Ctrl-C ends it early)…")
        }
        let report: ProfileReport
        do {
            report = try await profiler.run(node: endpoint.description, shouldStop: { SignalTrap.received != nil })
        } catch let error as RedisConnectionError {
            throw CLIFailure(error)
        } catch let failure as NamespaceProfiler.Failure {
            throw CLIFailure(failure.description)
        }
        if let csvFile {
            do {
                try csvFile.write(contentsOf: Data(try report.csv(options: export.options).utf8))
                try csvFile.close()
            } catch {
                throw CLIFailure("cannot write the CSV file '\(csv ?? "")': \(error.localizedDescription)")
            }
        }
        switch format {
        case .text: try ConsoleOutput.line(report.text(redactingKeys: export.redactKeys, limit: top))
        case .json: try ConsoleOutput.line(report.json(redactingKeys: export.redactKeys))
        }
        SignalTrap.exitIfSignalled()
    }
}

extension Profile {
    /// `--hotkeys`: the server's own measurement, printed like the profile.
    private func runHotkeys(endpoint: Endpoint, csvFile: FileHandle?) async throws {
        var session = HotkeySession(endpoint: endpoint, configuration: connection.configuration, seconds: seconds)
        session.sampleRatio = hotkeysSample
        SignalTrap.install(exitImmediately: false)
        if isatty(STDERR_FILENO) == 1 {
            ConsoleOutput.error(
                "asking \(endpoint) for its hot keys (HOTKEYS; up to \(session.seconds) s, Ctrl-C ends it early)…")
        }
        let outcome: HotkeySession.Outcome
        do {
            outcome = try await session.run(shouldStop: { SignalTrap.received != nil })
        } catch let error as RedisConnectionError {
            throw CLIFailure(error)
        } catch let failure as HotkeySession.Failure {
            throw CLIFailure(failure.description)
        }
        if outcome.readOthersSession {
            ConsoleOutput.error("a HOTKEYS session was already running on \(endpoint): read, left running")
        }
        let node = endpoint.description
        if let csvFile {
            do {
                var table = CSVTable(header: ServerHotKeys.csvHeader, neutralizesFormulas: !export.noFormulaGuard)
                for row in outcome.hotKeys.csvRows(node: node, redactingKeys: export.redactKeys) { table.append(row) }
                try csvFile.write(contentsOf: Data(try table.text().utf8))
                try csvFile.close()
            } catch {
                throw CLIFailure("cannot write the CSV file '\(csv ?? "")': \(error.localizedDescription)")
            }
        }
        switch format {
        case .text:
            try ConsoleOutput.line(outcome.hotKeys.text(node: node, redactingKeys: export.redactKeys, limit: top))
        case .json:
            let fields =
                ["\"node\":\(JSONText.string(node))"] + outcome.hotKeys.jsonFields(redactingKeys: export.redactKeys)
            try ConsoleOutput.line("{" + fields.joined(separator: ",") + "}")
        }
        SignalTrap.exitIfSignalled()
    }
}

/// The output formats of `cachewatch profile`.
enum ProfileFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The measured cost of a profile on the server (BENCHMARKS.md, "Profile cost"), as the help
/// and the dashboard state it.
enum ProfileCost {
    static let window = "1.4-2.2x the server's CPU per command and 36-58 % of its peak throughput"
    static let bursts = "nothing measurable"
}

/// `profile`'s own options: how long, how, what it prints.
struct ProfileOptions: ParsableArguments {
    @Option(
        name: [.customLong("duration"), .customLong("seconds")],
        help: "How long the profile lasts: seconds, or with a unit: 10, 30s, 5m.")
    var duration = RecordDuration(seconds: 10)

    @Option(name: .long, help: "Duty-cycle MONITOR: seconds of each burst (with --every); default: one window.")
    var burst: Double?

    @Option(name: .long, help: "Seconds from one burst's start to the next (with --burst).")
    var every: Double = 15

    @Option(
        name: .customLong("refill-window"),
        help: "Seconds within which a write after a read of the same key by the same client marks a miss (inference).")
    var refillWindow: Double = 3

    @Option(name: .long, help: "Output format: text or json.")
    var format: ProfileFormat = .text

    @Option(
        name: .long, help: "Also write one CSV row per namespace (with --hotkeys: per key) to this file (replaced).")
    var csv: String?

    @Option(name: .long, help: "Namespaces (with --hotkeys: keys) shown in the text output (all are in JSON and CSV).")
    var top = 30

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Ask the server which keys are hot instead of using MONITOR (Redis 8.6+, Valkey 9.2+).",
            discussion:
                "Redis 8.6+: a HOTKEYS session of CPU time and network bytes per key for --duration (needs @admin; stopped and reset afterwards, and given a DURATION so the server ends it even if cachewatch is killed; its cost on the server is unmeasured here: no Redis 8.6 is packaged on these machines, and --hotkeys-sample lowers it). A session someone else started is read, not stopped. Valkey 9.2+: the always-on tracker's last window (hotkeys-top-k above 0), read at once."
        ))
    var hotkeys = false

    @Option(
        name: .customLong("hotkeys-sample"),
        help: "With --hotkeys on Redis: track each key with probability 1/N (HOTKEYS START … SAMPLE N).")
    var hotkeysSample = 1
}
