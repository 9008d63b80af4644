import ArgumentParser
import Engine
import Export
import Foundation
import Metrics
import RDB
import RedisClient
import Telemetry

#if canImport(Glibc)
import Glibc
#endif

/// `cachewatch scan`: a one-shot keyspace report — big keys, namespaces, TTLs, expiry waves.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report big keys, namespaces, TTLs and expiry waves from a full or sampled SCAN.",
        discussion: """
            Reads metadata only (TYPE, PTTL, MEMORY USAGE, OBJECT), pipelined; never KEYS, never a \
            value. Length commands are sent only where CLIENT NO-TOUCH keeps them from refreshing \
            LRU/LFU data (Redis 7.2+), unless --lengths always. SCAN's COUNT adapts so that each call \
            costs the server about 400 µs. On a Redis Cluster node, every primary is scanned in \
            parallel into one report. Ctrl-C prints what was found so far.

            --rdb FILE reads a dump instead (redis-cli --rdb -, BGSAVE's dump.rdb, a backup; - for \
            standard input; several --rdb make one report): every key, at no cost to any server, \
            TTLs as of the dump's own time, idle times or LFU counters where the dump has them.
            """,
        helpNames: [.long]
    )

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

    @OptionGroup(title: "Scan") var own: ScanOptions

    // The command's own options, by their names.
    var full: Bool { own.full }
    var sample: Int { own.sample }
    var top: Int { own.top }
    var bigBytes: Int64 { own.bigBytes }
    var bigLength: Int64 { own.bigLength }
    var format: ScanFormat? { own.format }
    var jsonFlag: Bool { own.jsonFlag }
    var csvFlag: Bool { own.csvFlag }
    var scanCount: Int { own.scanCount }
    var rate: Int? { own.rate }
    var lengths: KeySamplerConfiguration.LengthPolicy { own.lengths }
    var object: KeySamplerConfiguration.ObjectPolicy { own.object }
    var noCluster: Bool { own.noCluster }
    var rdbFiles: [String] { own.rdbFiles }
    var noVerify: Bool { own.noVerify }
    var allocator: Allocator? { own.allocator }
    var redactKeys: Bool { own.redactKeys }

    /// The output asked, by `--format` or the older switches.
    var output: ScanFormat { format ?? (jsonFlag ? .json : csvFlag ? .csv : .text) }
    private var json: Bool { output == .json }
    private var csv: Bool { output == .csv }

    @OptionGroup(title: "Connection") var connection: ConnectionOptions

    func validate() throws {
        if [format != nil, jsonFlag, csvFlag].filter({ $0 }).count > 1 {
            throw ValidationError("choose one output: --format text|json|csv")
        }
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1") }
        guard (1...1000).contains(scanCount) else { throw ValidationError("--scan-count must be from 1 to 1000") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard bigBytes >= 1, bigLength >= 1 else {
            throw ValidationError("--big-bytes and --big-length must be at least 1")
        }
        if let rate, rate < 1 { throw ValidationError("--rate must be at least 1") }
        if noVerify && rdbFiles.isEmpty { throw ValidationError("--no-verify goes with --rdb") }
        if allocator != nil && rdbFiles.isEmpty { throw ValidationError("--allocator goes with --rdb") }
        if !rdbFiles.isEmpty && serverURL != nil {
            throw ValidationError("--rdb reads a file, not a server: drop the URL")
        }
        if rdbFiles.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read once") }
    }

    func run() async throws {
        if !rdbFiles.isEmpty { return try runOnDumps() }
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        connection.warnAboutPasswordInArguments(urls: serverURL.map { [$0] } ?? [])
        var options = KeyspaceScan.Options()
        options.full = full
        options.sample = sample
        options.model = KeyspaceModel.Configuration(topK: top, bigStringBytes: bigBytes, bigCollectionLength: bigLength)
        options.scanCount = scanCount
        options.keysPerSecond = rate
        options.lengths = lengths
        options.object = object
        options.followsCluster = !noCluster
        let progress = ScanProgress(enabled: isatty(STDERR_FILENO) == 1)
        SignalTrap.install(exitImmediately: false)
        let scan = KeyspaceScan(endpoint: endpoint, connection: connection.configuration, options: options)
        let outcome: KeyspaceScan.Outcome
        do {
            outcome = try await scan.run(progress: progress.update, shouldStop: { SignalTrap.received != nil })
        } catch let error as RedisConnectionError {
            progress.finish()
            throw CLIFailure(error)
        } catch let failure as KeyspaceScan.Failure {
            progress.finish()
            throw CLIFailure("scan stopped: \(failure)")
        }
        progress.finish()
        var report = ScanReport(
            model: outcome.model, node: outcome.name, finishedAt: scan.clock.now,
            elapsedSeconds: outcome.elapsed.secondsDouble,
            complete: outcome.complete, interrupted: SignalTrap.received != nil, commandsSent: outcome.commandsSent,
            unavailable: outcome.unavailable)
        report.redactsKeys = redactKeys
        // Redis 8.6+: the hot keys of a HOTKEYS session someone started (read, never started).
        if let reader = try? await RedisConnection.connect(to: endpoint, configuration: connection.configuration) {
            report.serverHotkeys = await HotkeysReport.read(on: reader)
            await reader.close()
        }
        if csv {
            FileHandle.standardOutput.write(Data(try report.csv().utf8))
        } else {
            try ConsoleOutput.line(json ? report.json : report.text.trimmingCharacters(in: .newlines))
        }
        SignalTrap.exitIfSignalled()
    }
}

extension Scan {
    /// `scan --rdb`: the report of the dump files.
    private func runOnDumps() throws {
        let progress = ScanProgress(enabled: isatty(STDERR_FILENO) == 1)
        let started = ContinuousClock.now
        let outcome: RDBKeyspace.Outcome
        do {
            outcome = try RDBKeyspace.analyse(
                paths: rdbFiles,
                configuration: KeyspaceModel.Configuration(
                    topK: top, bigStringBytes: bigBytes, bigCollectionLength: bigLength),
                verifyChecksum: !noVerify, allocator: allocator ?? .jemalloc,
                progress: { path, read, size in progress.reading(path, read: read, size: size) })
        } catch let error as RDBError {
            progress.finish()
            throw CLIFailure("\(rdbFiles.count == 1 ? rdbFiles[0] : "rdb"): \(error)")
        }
        progress.finish()
        var notes: [String] = []
        if outcome.expiredAtDump > 0 {
            notes.append(
                "\(outcome.expiredAtDump) keys had expired when the dump was made: left out, as a server loading it would"
            )
        }
        for (path, summary) in outcome.files {
            let server =
                summary.aux["redis-ver"].map { "redis \($0)" } ?? summary.aux["valkey-ver"].map { "valkey \($0)" }
            var parts = ["RDB \(summary.version)"]
            if let server { parts.append(server) }
            if let created = summary.createdAt {
                parts.append("saved \(ValueFormatting.iso8601(Date(timeIntervalSince1970: Double(created))))")
            }
            parts.append(summary.checksumVerified ? "checksum verified" : "checksum not verified")
            parts.append("memory as \(summary.layout.label) with \((allocator ?? .jemalloc).rawValue) counts it")
            notes.append("\(path): " + parts.joined(separator: ", "))
        }
        let name = rdbFiles.count == 1 ? rdbFiles[0] : "\(rdbFiles.count) RDB files"
        var report = ScanReport(
            model: outcome.model, node: name, finishedAt: outcome.dumpedAt,
            elapsedSeconds: started.duration(to: .now).secondsDouble, complete: true, interrupted: false,
            commandsSent: 0, unavailable: notes)
        report.dumpBytes = outcome.bytes
        report.redactsKeys = redactKeys
        if csv {
            FileHandle.standardOutput.write(Data(try report.csv().utf8))
        } else {
            try ConsoleOutput.line(json ? report.json : report.text.trimmingCharacters(in: .newlines))
        }
    }
}

extension KeySamplerConfiguration.LengthPolicy: ExpressibleByArgument {}
extension Allocator: ExpressibleByArgument {}
extension KeySamplerConfiguration.ObjectPolicy: ExpressibleByArgument {}

/// `\r`-updated progress with an ETA on stderr, only on a terminal.
struct ScanProgress {
    let enabled: Bool

    func update(done: Int, goal: Int, elapsed: Duration) {
        guard enabled, goal > 0 else { return }
        let seconds = elapsed.secondsDouble
        let fraction = min(1, Double(done) / Double(goal))
        let eta = fraction > 0 ? seconds / fraction - seconds : 0
        let text = String(
            format: "\rscanned %d of %d keys (%.0f%%), ETA %@   ", done, goal, fraction * 100,
            ValueFormatting.duration(seconds: eta))
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Bytes read of a dump, with an ETA when its size is known.
    func reading(_ path: String, read: Int64, size: Int64) {
        guard enabled else { return }
        let text =
            size > 0
            ? String(
                format: "\rread %@B of %@B of %@ (%.0f%%)   ", ValueFormatting.count(Double(read)),
                ValueFormatting.count(Double(size)), path, Double(read) / Double(size) * 100)
            : String(format: "\rread %@B of %@   ", ValueFormatting.count(Double(read)), path)
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// The output formats of `cachewatch scan`.
enum ScanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

/// `scan`'s own options: what to scan, what to report, how.
struct ScanOptions: ParsableArguments {
    @Flag(name: .long, help: "Scan the whole keyspace.")
    var full = false

    @Option(name: .long, help: "Keys to sample when not --full.")
    var sample = 10_000

    @Option(name: .long, help: "Big keys to list (overall and per type).")
    var top = 20

    @Option(name: .customLong("big-bytes"), help: "Memory from which a key is big.")
    var bigBytes: Int64 = 1_048_576

    @Option(name: .customLong("big-length"), help: "Elements from which a collection is big (when lengths are read).")
    var bigLength: Int64 = 10_000

    @Option(
        name: .long,
        help:
            "Output: text, json (one object) or csv (one table with a section column: key, type_biggest, namespace, ttl_bucket, expiry_peak)."
    )
    var format: ScanFormat?

    /// `--json`, kept for scripts written before `--format`.
    @Flag(name: .customLong("json"), help: .hidden)
    var jsonFlag = false

    /// `--csv`, kept for scripts written before `--format`.
    @Flag(name: .customLong("csv"), help: .hidden)
    var csvFlag = false

    @Option(
        name: .customLong("scan-count"),
        help: "Largest SCAN COUNT (1-1000); below it the count adapts to keep each call near 400 µs on the server.")
    var scanCount = 1000

    @Option(name: .long, help: "Keys per second at most (default: as fast as the server answers).")
    var rate: Int?

    @Option(name: .long, help: "Element counts: auto (only with CLIENT NO-TOUCH), always, never.")
    var lengths: KeySamplerConfiguration.LengthPolicy = .auto

    @Option(
        name: .long,
        help: "OBJECT FREQ/IDLETIME per key: auto (FREQ under an LFU policy, for hot keys), always, never.")
    var object: KeySamplerConfiguration.ObjectPolicy = .auto

    @Flag(name: .customLong("no-cluster"), help: "Scan only the node given, even if it is a cluster node.")
    var noCluster = false

    @Option(
        name: .customLong("rdb"),
        help: ArgumentHelp(
            "Read an RDB file instead of a server (- for standard input; repeat for several files, one report).",
            valueName: "FILE"))
    var rdbFiles: [String] = []

    @Flag(name: .customLong("no-verify"), help: "With --rdb: do not verify the file's CRC-64 checksum.")
    var noVerify = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --rdb: the allocator the server was built with (INFO memory's mem_allocator), whose sizes memory is counted in: jemalloc (release builds, packages, cloud services) or libc.",
            valueName: "jemalloc|libc"))
    var allocator: Allocator?

    @Flag(
        name: .customLong("redact-keys"),
        help: "Replace key names by stable hashes (key#…), literal namespaces too, in every format.")
    var redactKeys = false
}
