import Fleet
import Foundation
import Metrics
import RESP
import RedisClient
import Telemetry

/// A one-shot keyspace scan (`cachewatch scan`): a node's keys — on a Redis Cluster node, every
/// primary's, in parallel — read as metadata into one ``KeyspaceModel`` until the pass completes,
/// enough keys were sampled, or the caller stops it.
public struct KeyspaceScan: Sendable {
    /// What to scan and how hard.
    public struct Options: Sendable {
        /// Scan every key (else stop after ``sample`` keys).
        public var full = false
        /// Keys to sample when not ``full``.
        public var sample = 10_000
        /// The model's big-key lists and thresholds.
        public var model = KeyspaceModel.Configuration()
        /// The largest SCAN COUNT (it adapts below to ~400 µs a call).
        public var scanCount = 1000
        /// Keys per second at most over all nodes (`nil`: as fast as the servers answer).
        public var keysPerSecond: Int?
        /// Element counts.
        public var lengths: KeySamplerConfiguration.LengthPolicy = .auto
        /// OBJECT FREQ/IDLETIME.
        public var object: KeySamplerConfiguration.ObjectPolicy = .auto
        /// Scan every primary when the node is a cluster node.
        public var followsCluster = true

        /// The defaults: a 10,000-key sample, the cluster followed.
        public init() {}
    }

    /// What a scan found.
    public struct Outcome: Sendable {
        /// The keys seen, as a model of the keyspace.
        public var model: KeyspaceModel
        /// How the scanned keyspace is named: the node, or the cluster and its primaries.
        public var name: String
        /// Whether every node's pass completed.
        public var complete: Bool
        /// The time taken.
        public var elapsed: Duration
        /// Commands sent to the servers.
        public var commandsSent: Int
        /// Parts that could not be read, and notes (a cluster topology that could not be read).
        public var unavailable: [String]
    }

    /// Why a scan stopped before its end.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// One line: the node (of several) and what went wrong.
        public let description: String
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

    /// The node given.
    public let endpoint: Endpoint
    /// Timeouts and TLS.
    public let connection: ConnectionConfiguration
    /// What to scan and how hard.
    public let options: Options
    /// The wall clock that dates the keys' TTLs and the report.
    public let clock: any WallClock

    /// Creates a scan of `endpoint`; nothing is sent until ``run(progress:shouldStop:)``.
    public init(
        endpoint: Endpoint, connection: ConnectionConfiguration, options: Options, clock: any WallClock = .system
    ) {
        self.clock = clock
        self.endpoint = endpoint
        self.connection = connection
        self.options = options
    }

    /// Scans until every node's pass completes, ``Options/sample`` keys were seen (unless
    /// ``Options/full``), or `shouldStop` says so (checked after every batch).
    ///
    /// - Parameter progress: called after every batch with the keys recorded, the goal and the
    ///   time so far.
    /// - Throws: ``RedisConnectionError`` when a node cannot be reached at the start;
    ///   ``Failure`` when a node fails during the scan.
    public func run(
        progress: (_ done: Int, _ goal: Int, _ elapsed: Duration) -> Void, shouldStop: () -> Bool
    ) async throws -> Outcome {
        let (nodes, notes) = try await prepare()
        var model = KeyspaceModel(configuration: options.model)
        let size = nodes.reduce(0) { $0 + $1.keys }
        model.updateTotal(keys: size)
        let goal = options.full ? Int(size) : min(options.sample, Int(size))
        let pacing = ContinuousClock()
        let start = pacing.now
        var finished = Set<Int>()
        var failure: String?
        let (deliveries, delivery) = AsyncStream<Delivery>.makeStream()
        let rate = options.keysPerSecond
        await withTaskGroup(of: Void.self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask { await Self.scan(node, index: index, rate: rate, nodes: nodes.count, into: delivery) }
            }
            for await item in deliveries {
                switch item {
                case .failed(let node, let message):
                    failure = nodes.count > 1 ? "\(nodes[node].name): \(message)" : message
                case .batch(let node, let keys, let finishedPass):
                    let now = clock.now
                    for key in keys { model.record(key, now: now) }
                    if finishedPass { finished.insert(node) }
                    progress(model.keysRecorded, goal, start.duration(to: pacing.now))
                }
                if failure != nil || finished.count == nodes.count || shouldStop() { break }
                if !options.full && model.keysRecorded >= options.sample { break }
            }
            group.cancelAll()
        }
        delivery.finish()
        var commandsSent = 0
        var unavailable = Set<String>(notes)
        for node in nodes {
            commandsSent += await node.sampler.commandsSent
            unavailable.formUnion(await node.sampler.unavailable.values)
            await node.sampler.close()
        }
        if let failure { throw Failure(description: failure) }
        model.refresh(now: clock.now)
        let name =
            nodes.count > 1 ? "\(endpoint.description) (cluster, \(nodes.count) primaries)" : endpoint.description
        return Outcome(
            model: model, name: name, complete: finished.count == nodes.count, elapsed: start.duration(to: pacing.now),
            commandsSent: commandsSent, unavailable: unavailable.sorted())
    }

    /// The nodes to scan — the one given, or a cluster's primaries — each with its key count.
    private func prepare() async throws -> ([ScannedNode], [String]) {
        let seed = ManagedConnection(endpoint: endpoint, configuration: connection)
        var endpoints = [(name: endpoint.description, endpoint: endpoint)]
        var notes: [String] = []
        do {
            if options.followsCluster, case .cluster(let topology) = try await ClusterDiscovery.topology(from: seed) {
                // A cluster: every primary holds its own share of the keys; replicas hold copies.
                endpoints = topology.named(like: endpoint).primaries.map { ($0.name, $0.endpoint(like: endpoint)) }
            }
        } catch let error as RedisConnectionError {
            await seed.close()
            throw error
        } catch {
            // A refused CLUSTER command (ACL) or an unreadable reply: scan the node given, and say so.
            notes.append("cluster topology unavailable (\(error)): only \(endpoint.description) was scanned")
        }
        var nodes: [ScannedNode] = []
        var seedUsed = false
        for (name, nodeEndpoint) in endpoints {
            let managed: ManagedConnection
            if nodeEndpoint == endpoint {
                managed = seed
                seedUsed = true
            } else {
                managed = ManagedConnection(endpoint: nodeEndpoint, configuration: connection)
            }
            let size: Int64
            do {
                size = try await managed.pipeline([RESPCommand("DBSIZE")]).first?.value.intValue ?? 0
            } catch {
                await managed.close()
                for node in nodes { await node.sampler.close() }
                if !seedUsed { await seed.close() }
                throw error
            }
            let sampler = KeySampler(
                connection: managed,
                configuration: KeySamplerConfiguration(
                    scanCount: options.scanCount,
                    keysPerSecond: options.keysPerSecond.map { max(1, $0 / endpoints.count) },
                    commandsPerPipeline: 4000, lengths: options.lengths, object: options.object, pipelineDepth: 2))
            nodes.append(ScannedNode(name: name, sampler: sampler, keys: size))
        }
        if !seedUsed { await seed.close() }
        return (nodes, notes)
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
                // A refusal is said as the sampler says it: which commands, an ACL or a rename.
                let refusal = (error as? RedisServerError)?.refusal(of: "SCAN/TYPE/PTTL")
                if !Task.isCancelled { delivery.yield(.failed(node: index, message: refusal ?? "\(error)")) }
                return
            }
        }
    }
}
