import ArgumentParser
import Export
import Fleet
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
            LRU/LFU data (Redis 7.2+), unless --lengths always. SCAN's COUNT adapts so that each call \
            costs the server about 400 µs. On a Redis Cluster node, every primary is scanned in \
            parallel into one report. Ctrl-C prints what was found so far.
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

    /// One node being scanned.
    private struct ScannedNode: Sendable {
        let name: String
        let sampler: KeySampler
        let keys: Int64
    }

    /// What a node's scanning task hands over.
    private enum Delivery: Sendable {
        case batch(node: Int, keys: [KeyMetadata], finishedPass: Bool)
        case failed(node: Int, message: String)
    }

    func run() async throws {
        let endpoint = try connection.endpoint(positionalURL: serverURL)
        let seed = ManagedConnection(endpoint: endpoint, configuration: connection.configuration)
        var endpoints = [(name: endpoint.description, endpoint: endpoint)]
        var notes: [String] = []
        do {
            if !noCluster, case .cluster(let topology) = try await ClusterDiscovery.topology(from: seed) {
                // A cluster: every primary holds its own share of the keys; replicas hold copies.
                endpoints = topology.named(like: endpoint).primaries.map { ($0.name, $0.endpoint(like: endpoint)) }
            }
        } catch let error as RedisConnectionError {
            throw CLIFailure(error)
        } catch {
            // A refused CLUSTER command (ACL) or an unreadable reply: scan the node given, and say so.
            notes.append("cluster topology unavailable (\(error)): only \(endpoint.description) was scanned")
        }
        var nodes: [ScannedNode] = []
        for (name, nodeEndpoint) in endpoints {
            let managed =
                nodeEndpoint == endpoint ? seed : ManagedConnection(endpoint: nodeEndpoint, configuration: connection.configuration)
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
                    scanCount: scanCount, keysPerSecond: rate.map { max(1, $0 / endpoints.count) },
                    commandsPerPipeline: 4000, lengths: lengths, object: object, pipelineDepth: 2))
            nodes.append(ScannedNode(name: name, sampler: sampler, keys: size))
        }
        var model = KeyspaceModel(
            configuration: KeyspaceModel.Configuration(
                topK: top, bigStringBytes: bigBytes, bigCollectionLength: bigLength))
        let size = nodes.reduce(0) { $0 + $1.keys }
        model.updateTotal(keys: size)
        let goal = full ? Int(size) : min(sample, Int(size))
        let progress = ScanProgress(goal: goal, enabled: isatty(STDERR_FILENO) == 1)
        SignalTrap.install(exitImmediately: false)
        let clock = ContinuousClock()
        let start = clock.now
        var finished = Set<Int>()
        var failure: String?
        let (deliveries, delivery) = AsyncStream<Delivery>.makeStream()
        let rate = self.rate
        let count = nodes.count
        await withTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask { await Self.scan(node, index: index, rate: rate, nodes: count, into: delivery) }
            }
            for await item in deliveries {
                switch item {
                case .failed(let node, let message):
                    failure = nodes.count > 1 ? "\(nodes[node].name): \(message)" : message
                case .batch(let node, let keys, let finishedPass):
                    let now = Date()
                    for key in keys { model.record(key, now: now) }
                    if finishedPass { finished.insert(node) }
                    progress.update(done: model.keysRecorded, elapsed: start.duration(to: clock.now))
                }
                if failure != nil || finished.count == nodes.count || SignalTrap.received != nil { break }
                if !full && model.keysRecorded >= sample { break }
            }
            group.cancelAll()
        }
        delivery.finish()
        progress.finish()
        if let failure { throw CLIFailure("scan stopped: \(failure)") }
        let complete = finished.count == nodes.count
        model.refresh(now: Date())
        let elapsed = start.duration(to: clock.now)
        var commandsSent = 0
        var unavailable = Set<String>(notes)
        for node in nodes {
            commandsSent += await node.sampler.commandsSent
            unavailable.formUnion(await node.sampler.unavailable.values)
        }
        let name = nodes.count > 1 ? "\(endpoint.description) (cluster, \(nodes.count) primaries)" : endpoint.description
        let report = ScanReport(
            model: model, node: name, finishedAt: Date(), elapsedSeconds: elapsed.secondsDouble,
            complete: complete, interrupted: SignalTrap.received != nil, commandsSent: commandsSent,
            unavailable: unavailable.sorted())
        if csv {
            FileHandle.standardOutput.write(Data(try report.csv().utf8))
        } else {
            ConsoleOutput.line(json ? report.json : report.text.trimmingCharacters(in: .newlines))
        }
        SignalTrap.exitIfSignalled()
    }

    /// Scans one node until its pass completes (or the task is cancelled), handing each batch
    /// over; with a rate, each node takes its share of it.
    private static func scan(
        _ node: ScannedNode, index: Int, rate: Int?, nodes: Int, into delivery: AsyncStream<Delivery>.Continuation
    ) async {
        let clock = ContinuousClock()
        let start = clock.now
        var done = 0
        while !Task.isCancelled {
            do {
                let batch = try await node.sampler.nextBatch()
                delivery.yield(.batch(node: index, keys: batch.keys, finishedPass: batch.finishedPass))
                if batch.finishedPass { return }
                done += batch.keys.count
                if let rate {
                    let share = max(1, rate / max(1, nodes))
                    let due = start + .milliseconds(Int64(done) * 1000 / Int64(share))
                    if due > clock.now { try await clock.sleep(until: due) }
                }
            } catch is CancellationError {
                return
            } catch {
                if !Task.isCancelled { delivery.yield(.failed(node: index, message: "\(error)")) }
                return
            }
        }
    }
}

extension KeySamplerConfiguration.LengthPolicy: ExpressibleByArgument {}
extension KeySamplerConfiguration.ObjectPolicy: ExpressibleByArgument {}

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
