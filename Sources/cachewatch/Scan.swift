import ArgumentParser
import Export
import Foundation
import Metrics
import RESP
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
            LRU/LFU data (Redis 7.2+), unless --lengths always. Ctrl-C prints what was found so far.
            """,
        helpNames: [.long]
    )

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Server URL (redis://…, unix:///…); the same as -u.")
    var serverURL: String?

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

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Flag(
        name: .long,
        help: "Print CSV: one table with a section column (key, type_biggest, namespace, ttl_bucket, expiry_peak).")
    var csv = false

    @Option(name: .customLong("scan-count"), help: "SCAN COUNT per call (1-1000).")
    var scanCount = 1000

    @Option(name: .long, help: "Keys per second at most (default: as fast as the server answers).")
    var rate: Int?

    @Option(name: .long, help: "Element counts: auto (only with CLIENT NO-TOUCH), always, never.")
    var lengths: KeySamplerConfiguration.LengthPolicy = .auto

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1") }
        guard (1...1000).contains(scanCount) else { throw ValidationError("--scan-count must be from 1 to 1000") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard bigBytes >= 1, bigLength >= 1 else {
            throw ValidationError("--big-bytes and --big-length must be at least 1")
        }
        if let rate, rate < 1 { throw ValidationError("--rate must be at least 1") }
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let managed = ManagedConnection(endpoint: endpoint, configuration: connection.configuration)
        let size: Int64
        do {
            size = try await managed.pipeline([RESPCommand("DBSIZE")]).first?.value.intValue ?? 0
        } catch let error as RedisConnectionError {
            throw CLIFailure(error)
        } catch {
            throw CLIFailure("\(error)")
        }
        let sampler = KeySampler(
            connection: managed,
            configuration: KeySamplerConfiguration(
                scanCount: scanCount, keysPerSecond: rate, commandsPerPipeline: 4000, lengths: lengths,
                pipelineDepth: 2))
        var model = KeyspaceModel(
            configuration: KeyspaceModel.Configuration(
                topK: top, bigStringBytes: bigBytes, bigCollectionLength: bigLength))
        model.updateTotal(keys: size)
        let goal = full ? Int(size) : min(sample, Int(size))
        let progress = ScanProgress(goal: goal, enabled: isatty(STDERR_FILENO) == 1)
        SignalTrap.install(exitImmediately: false)
        let clock = ContinuousClock()
        let start = clock.now
        var complete = false
        while SignalTrap.received == nil {
            let batch: (keys: [KeyMetadata], finishedPass: Bool)
            do {
                batch = try await sampler.nextBatch()
            } catch {
                progress.finish()
                throw CLIFailure("scan stopped: \(error)")
            }
            let now = Date()
            for key in batch.keys { model.record(key, now: now) }
            progress.update(done: model.keysRecorded, elapsed: start.duration(to: clock.now))
            if batch.finishedPass {
                complete = true
                break
            }
            if !full && model.keysRecorded >= sample { break }
            if let rate {
                let due = start + .milliseconds(Int64(model.keysRecorded) * 1000 / Int64(rate))
                if due > clock.now { try await clock.sleep(until: due) }
            }
        }
        progress.finish()
        model.refresh(now: Date())
        let elapsed = start.duration(to: clock.now)
        let report = ScanReport(
            model: model, node: endpoint.description, finishedAt: Date(),
            elapsedSeconds: elapsed.secondsDouble,
            complete: complete, interrupted: SignalTrap.received != nil, commandsSent: await sampler.commandsSent,
            unavailable: await sampler.unavailable.sorted { $0.key < $1.key }.map(\.value))
        if csv {
            FileHandle.standardOutput.write(Data(try report.csv().utf8))
        } else {
            ConsoleOutput.line(json ? report.json : report.text.trimmingCharacters(in: .newlines))
        }
        SignalTrap.exitIfSignalled()
    }
}

extension KeySamplerConfiguration.LengthPolicy: ExpressibleByArgument {}

/// `\r`-updated progress with an ETA on stderr, only on a terminal.
struct ScanProgress {
    let goal: Int
    let enabled: Bool

    func update(done: Int, elapsed: Duration) {
        guard enabled, goal > 0 else { return }
        let seconds = elapsed.secondsDouble
        let fraction = min(1, Double(done) / Double(goal))
        let eta = fraction > 0 ? seconds / fraction - seconds : 0
        let text = String(
            format: "\rscanned %d of %d keys (%.0f%%), ETA %@   ", done, goal, fraction * 100,
            ValueFormatting.duration(seconds: eta))
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
