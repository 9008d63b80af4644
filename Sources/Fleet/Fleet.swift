import Foundation
import RESP
import RedisClient
import Telemetry

/// Watches several nodes at once: one poller per node on its own connection and schedule,
/// key samplers where they belong, and — for a Redis Cluster — the topology, followed through
/// failovers and nodes added or removed without a restart. Everything it learns goes to
/// `deliver`, from any task; the owner serialises it (an inbox).
public actor Fleet {
    /// The targets given (in a cluster: the seeds).
    public nonisolated let seeds: [NodeTarget]
    private let configuration: FleetConfiguration
    private let deliver: @Sendable (FleetEvent) -> Void
    private var watches: [String: NodeWatch] = [:]
    private var order: [String] = []
    /// The cluster's topology, when the targets are a cluster.
    public private(set) var topology: ClusterTopology?
    private var following: Task<Void, Never>?
    private var discoverySource: ManagedConnection?
    /// Each node's first sample, and whether any node answered yet.
    private let firsts = MutexBox<(values: [String: Sample], anyAnswered: Bool)>(([:], false))

    /// Creates a fleet; nothing runs until ``start()``.
    public init(
        targets: [NodeTarget], configuration: FleetConfiguration,
        deliver: @escaping @Sendable (FleetEvent) -> Void
    ) {
        seeds = targets
        self.configuration = configuration
        self.deliver = deliver
    }

    /// The names of the nodes watched, in the order they were added.
    public var nodeNames: [String] { order }

    /// Discovers the cluster (unless off) and starts every node's tasks (each polls at once,
    /// then every interval) and the topology follower. Returns the first samples, in node
    /// order — every node's, or, once one node has answered, those that came within an
    /// interval — so the caller can tell a typo from a node that is down.
    ///
    /// - Throws: ``FleetError`` when `--cluster` was asked for and the first target is not in
    ///   cluster mode, or the topology cannot be read.
    public func start() async throws(FleetError) -> [Sample] {
        var targets = seeds
        // Not a cluster: the connection that asked becomes the seed's polling connection, so
        // the server sees one client per node, not two.
        var seedConnection: ManagedConnection?
        if configuration.clusterMode != .off, let seed = seeds.first {
            let connection = ManagedConnection(endpoint: seed.endpoint, configuration: configuration.connection)
            do {
                switch try await ClusterDiscovery.topology(from: connection) {
                case .cluster(let found):
                    let named = found.named(like: seed.endpoint)
                    topology = named
                    discoverySource = connection
                    targets = named.nodes.map { NodeTarget(name: $0.name, endpoint: $0.endpoint(like: seed.endpoint)) }
                    deliver(.topology(named, changes: []))
                case .notACluster:
                    seedConnection = connection
                    if configuration.clusterMode == .required {
                        await connection.close()
                        throw FleetError("\(seed.name) is not in cluster mode (cluster_enabled:0); drop --cluster")
                    }
                }
            } catch let error as FleetError {
                throw error
            } catch {
                await connection.close()
                if configuration.clusterMode == .required {
                    throw FleetError("cannot read the cluster topology from \(seed.name): \(error)")
                }
                // Automatic mode: an unreachable seed is reported by its first poll instead.
            }
        }
        for (index, target) in targets.enumerated() { add(target, connection: index == 0 ? seedConnection : nil) }
        for name in order { watches[name]?.startPolling(after: .zero) }
        updateSampling()
        if topology != nil { startFollowing() }
        return await firstSamples()
    }

    /// Waits for every node's first poll — but once one node has answered, no longer than
    /// one interval: a node that hangs in its connect timeout must not hold the others back.
    private func firstSamples() async -> [Sample] {
        let started = ContinuousClock.now
        while true {
            let (samples, anyAnswered) = firsts.read { ($0.values, $0.anyAnswered) }
            if samples.count >= order.count { break }
            if anyAnswered && ContinuousClock.now - started >= configuration.interval { break }
            try? await Task.sleep(for: .milliseconds(10))
            if Task.isCancelled { break }
        }
        let samples = firsts.read { $0.values }
        return order.compactMap { samples[$0] }
    }

    /// Stops every task and closes what can be closed.
    public func stop() async {
        following?.cancel()
        following = nil
        for watch in watches.values { watch.stop() }
        await discoverySource?.close()
    }

    private func add(_ target: NodeTarget, connection: ManagedConnection? = nil) {
        guard watches[target.name] == nil else { return }
        let deliver = deliver
        let firsts = firsts
        watches[target.name] = NodeWatch(target: target, configuration: configuration, connection: connection) {
            event in
            if case .sample(let sample) = event {
                firsts.update { firsts in
                    if firsts.values[sample.node] == nil { firsts.values[sample.node] = sample }
                    if sample.reading != nil { firsts.anyAnswered = true }
                }
            }
            deliver(event)
        }
        order.append(target.name)
    }

    /// Samples keys on the primaries of a cluster, on every target otherwise, each at its
    /// share of the sampling budget.
    private func updateSampling() {
        guard configuration.sampling != nil else { return }
        let primaries = topology.map { Set($0.primaries.map(\.name)) }
        var sampled: [NodeWatch] = []
        for (name, watch) in watches {
            if primaries?.contains(name) ?? true {
                sampled.append(watch)
            } else {
                watch.setSampling(false)
            }
        }
        let rate = configuration.keysPerSecond(sampledNodes: sampled.count)
        for watch in sampled { watch.setSampling(true, keysPerSecond: rate) }
    }

    private func startFollowing() {
        let interval = configuration.topologyInterval
        following = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await self?.refreshTopology()
            }
        }
    }

    /// Reads the topology again (from the last node that answered, else any known node) and
    /// applies what changed: new nodes are watched, removed ones dropped, samplers follow the
    /// primaries.
    func refreshTopology() async {
        guard let current = topology, let seed = seeds.first else { return }
        var candidates: [Endpoint] = []
        if let source = discoverySource { candidates.append(source.endpoint) }
        for node in current.nodes where !node.isFailed {
            let endpoint = node.endpoint(like: seed.endpoint)
            if !candidates.contains(endpoint) { candidates.append(endpoint) }
        }
        for endpoint in candidates {
            let connection: ManagedConnection
            if let source = discoverySource, source.endpoint == endpoint {
                connection = source
            } else {
                connection = ManagedConnection(endpoint: endpoint, configuration: configuration.connection)
            }
            guard case .cluster(let found)? = try? await ClusterDiscovery.topology(from: connection) else {
                await connection.close()
                if connection === discoverySource { discoverySource = nil }
                continue
            }
            if connection !== discoverySource {
                await discoverySource?.close()
                discoverySource = connection
            }
            apply(found.named(like: seed.endpoint))
            return
        }
        deliver(.notice("cluster: no known node answers CLUSTER SHARDS/NODES; keeping the last topology"))
    }

    private func apply(_ found: ClusterTopology) {
        guard let current = topology, let seed = seeds.first, found != current else { return }
        let changes = TopologyChange.between(current, found)
        topology = found
        for change in changes {
            let target = NodeTarget(name: change.node.name, endpoint: change.node.endpoint(like: seed.endpoint))
            switch change {
            case .added:
                add(target)
                watches[target.name]?.startPolling(after: .zero)
            case .removed:
                watches.removeValue(forKey: target.name)?.stop()
                order.removeAll { $0 == target.name }
                deliver(.nodeRemoved(target.name))
            default: break
            }
        }
        updateSampling()
        deliver(.topology(found, changes: changes))
    }
}

/// Why a fleet cannot start, in one line.
public struct FleetError: Error, Sendable, CustomStringConvertible {
    /// The one-line reason.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
