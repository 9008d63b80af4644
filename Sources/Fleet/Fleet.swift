import Foundation
import RESP
import RedisClient
import Synchronization
import Telemetry

/// Watches several nodes at once: one poller per node on its own connection and schedule,
/// key samplers where they belong, and — for a Redis Cluster — the topology, followed through
/// failovers and nodes added or removed without a restart.
///
/// Its life is structured: ``discover()`` reads what to watch, ``run(_:deliver:)`` watches it in
/// one task group until cancelled and returns only when every node's tasks have stopped and
/// every connection it opened is closed. Everything it learns goes to `deliver`, from any task;
/// the owner serialises it.
public final class Fleet: Sendable {
    /// What ``discover()`` found: the nodes to watch and, in a cluster, its topology and the
    /// connection it was read on (kept to follow it).
    public struct Plan: Sendable {
        /// The nodes to watch, in order.
        public let targets: [NodeTarget]
        /// The cluster's topology, when the targets are a cluster.
        public let topology: ClusterTopology?
        fileprivate let seedConnection: ManagedConnection?
        fileprivate let discoverySource: ManagedConnection?
        /// The Sentinel group, when the primary was found through Sentinel.
        public var sentinelGroup: SentinelGroup? = nil
        /// Lines to tell the user once the fleet runs (a sentinel recognised behind a plain URL).
        public var notices: [String] = []
        fileprivate var sentinels: (discovery: SentinelDiscovery, source: SentinelSource)? = nil
    }

    /// What the fleet's tasks ask of its loop.
    private enum Request: Sendable {
        case topology(ClusterTopology)
        case sentinel(SentinelGroup)
        case notice(String)
    }

    /// What the fleet watches now (read by its owner and by tests).
    private struct Watched: Sendable {
        var order: [String] = []
        var topology: ClusterTopology?
        var sentinelGroup: SentinelGroup?
        var sentinelSource: SentinelSource?
        var endpoints: [String: Endpoint] = [:]
    }

    /// The targets given (in a cluster: the seeds).
    public let seeds: [NodeTarget]
    private let configuration: FleetConfiguration
    private let watched = Mutex(Watched())
    private let firsts = Mutex<FirstSamples?>(nil)

    /// Creates a fleet; nothing runs until ``run(_:deliver:)``.
    public init(targets: [NodeTarget], configuration: FleetConfiguration) {
        seeds = targets
        self.configuration = configuration
    }

    /// The names of the nodes watched, in the order they were added.
    public var nodeNames: [String] { watched.withLock { $0.order } }

    /// The cluster's topology, when the targets are a cluster.
    public var topology: ClusterTopology? { watched.withLock { $0.topology } }

    /// The Sentinel group, when the primary was found through Sentinel.
    public var sentinelGroup: SentinelGroup? { watched.withLock { $0.sentinelGroup } }

    /// The endpoint of a node watched now, for a connection of one's own (a profile).
    public func endpoint(of node: String) -> Endpoint? { watched.withLock { $0.endpoints[node] } }

    /// The connection settings every node is watched with.
    public var connectionConfiguration: ConnectionConfiguration { configuration.connection }

    /// Discovers the cluster (unless off): the nodes to watch.
    ///
    /// - Throws: ``FleetError`` when `--cluster` was asked for and the first target is not in
    ///   cluster mode, or the topology cannot be read.
    public func discover() async throws(FleetError) -> Plan {
        if let source = configuration.sentinel { return try await discover(through: source) }
        guard configuration.clusterMode != .off, let seed = seeds.first else {
            return plan(Plan(targets: seeds, topology: nil, seedConnection: nil, discoverySource: nil))
        }
        let connection = ManagedConnection(endpoint: seed.endpoint, configuration: configuration.connection)
        do {
            switch try await ClusterDiscovery.topology(from: connection) {
            case .cluster(let found) where found.nodes.isEmpty:
                // No node to watch (a hostile or broken answer): the seed alone, rather than a
                // watcher waiting for ever with nothing to poll.
                return plan(Plan(targets: seeds, topology: nil, seedConnection: connection, discoverySource: nil))
            case .cluster(let found):
                let named = found.named(like: seed.endpoint)
                let targets = named.nodes.map { NodeTarget(name: $0.name, endpoint: $0.endpoint(like: seed.endpoint)) }
                return plan(Plan(targets: targets, topology: named, seedConnection: nil, discoverySource: connection))
            case .notACluster:
                if configuration.clusterMode == .required {
                    await connection.close()
                    throw FleetError("\(seed.name) is not in cluster mode (cluster_enabled:0); drop --cluster")
                }
                // Not a cluster: the connection that asked becomes the seed's polling
                // connection, so the server sees one client per node, not two.
                return plan(Plan(targets: seeds, topology: nil, seedConnection: connection, discoverySource: nil))
            }
        } catch let error as FleetError {
            throw error
        } catch {
            await connection.close()
            // A sentinel knows no CLUSTER command: the primary it watches is what to follow.
            if seeds.count == 1, let refusal = error as? RedisServerError, refusal.isUnknownCommand,
                let followed = try await sentinelBehind(seed)
            {
                return followed
            }
            if configuration.clusterMode == .required {
                throw FleetError("cannot read the cluster topology from \(seed.name): \(error)")
            }
            // Automatic mode: the seed is watched as a lone node. A connection that failed counts
            // as its first sample — a start does not wait for a second connect timeout (a TLS
            // handshake to a plain port, an address that drops packets) to say so.
            // A refusal (an ACL without CLUSTER) only means the seed is watched alone.
            let planned = plan(Plan(targets: seeds, topology: nil, seedConnection: nil, discoverySource: nil))
            if error is RedisConnectionError {
                firsts.withLock { $0 }?.record(
                    Sample(
                        node: seed.name, time: configuration.clock.now,
                        outcome: .failure(Poller.failure(from: error))))
            }
            return planned
        }
    }

    /// When `seed` is a sentinel (`redis_mode:sentinel`), the plan that follows the one primary
    /// it watches, with a line saying so; `nil` when it is not a sentinel.
    ///
    /// - Throws: ``FleetError`` when it watches no primary, or several (which one is for the
    ///   user to say, with a `redis+sentinel://` URL).
    private func sentinelBehind(_ seed: NodeTarget) async throws(FleetError) -> Plan? {
        // The question's connection is closed before discovery opens its own, on every path.
        let connection = ManagedConnection(endpoint: seed.endpoint, configuration: configuration.connection)
        let watched: String?
        do {
            watched = try await sentinelPrimary(of: seed, on: connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        guard let name = watched else { return nil }
        // The URL's credentials serve the sentinel and the data nodes alike; a
        // redis+sentinel:// URL keeps them apart.
        var found = try await discover(
            through: SentinelSource(sentinels: [seed.endpoint], masterName: name, dataNode: seed.endpoint))
        if let group = found.sentinelGroup {
            found.notices.append(
                "\(seed.name) is a sentinel: following its primary '\(name)' (\(group.primaryNode), \(group.replicas.count) replicas)"
            )
        }
        return found
    }

    /// The name of the one primary `seed` watches when it is a sentinel; `nil` when it is not.
    private func sentinelPrimary(
        of seed: NodeTarget, on connection: ManagedConnection
    ) async throws(FleetError) -> String? {
        guard let replies = try? await connection.pipeline([RESPCommand("INFO", "server")]),
            case .success(let info) = replies[0].result, let text = info.stringValue,
            SentinelDiscovery.infoField(text, "redis_mode") == "sentinel"
                || SentinelDiscovery.infoField(text, "server_mode") == "sentinel"
        else { return nil }
        var names: [String] = []
        if let masters = try? await connection.pipeline([RESPCommand("SENTINEL", "MASTERS")]),
            case .success(let list) = masters[0].result
        {
            names = (list.elements ?? []).compactMap { SentinelDiscovery.fields($0)["name"] }.sorted()
        }
        guard names.count == 1, let name = names.first else {
            guard case .tcp(let host, let port) = seed.endpoint.address else { return nil }
            let example = "redis+sentinel://\(SentinelDiscovery.address(host, String(port)))/<master>"
            if names.isEmpty { throw FleetError("\(seed.name) is a sentinel that watches no primary") }
            throw FleetError(
                "\(seed.name) is a sentinel watching \(names.count) primaries (\(names.joined(separator: ", "))): give one, as \(example)"
            )
        }
        return name
    }

    /// The primary and replicas the sentinels name, watched as a group.
    private func discover(through source: SentinelSource) async throws(FleetError) -> Plan {
        let discovery = SentinelDiscovery(
            sentinels: source.sentinels, masterName: source.masterName, configuration: configuration.connection)
        let group: SentinelGroup
        do {
            group = try await discovery.read()
        } catch {
            await discovery.close()
            throw error
        }
        var found = Plan(
            targets: ([group.primary] + group.replicas).map { source.target($0) }, topology: nil, seedConnection: nil,
            discoverySource: nil)
        found.sentinelGroup = source.named(group)
        found.sentinels = (discovery, source)
        return plan(found)
    }

    private func plan(_ plan: Plan) -> Plan {
        watched.withLock {
            $0 = Watched(
                order: [], topology: plan.topology, sentinelGroup: plan.sentinelGroup,
                sentinelSource: plan.sentinels?.source)
        }
        firsts.withLock { $0 = FirstSamples(nodes: plan.targets.map(\.name)) }
        return plan
    }

    /// Waits for the first samples of the planned nodes, in node order — every node's, or,
    /// once one node has answered, those that came within an interval — so the caller can
    /// tell a typo from a node that is down. They are delivered as events too.
    public func firstSamples() async -> [Sample] {
        guard let firsts = firsts.withLock({ $0 }) else { return [] }
        return await firsts.wait(grace: configuration.interval)
    }

    /// Watches `plan`'s nodes until the task is cancelled: every node polls at once, then every
    /// interval; samplers follow the primaries; a cluster's topology is read again every
    /// topology interval. Returns when every task has stopped and every connection is closed.
    public func run(_ plan: Plan, deliver: @escaping @Sendable (FleetEvent) -> Void) async {
        let firsts = firsts.withLock { $0 }
        let noteFirsts: @Sendable (FleetEvent) -> Void = { event in
            if case .sample(let sample) = event { firsts?.record(sample) }
            deliver(event)
        }
        if let topology = plan.topology { deliver(.topology(topology, changes: [])) }
        if let group = plan.sentinelGroup { deliver(.sentinel(group, changes: [])) }
        for notice in plan.notices { deliver(.notice(notice)) }
        let (requests, request) = AsyncStream.makeStream(of: Request.self)
        // A primary that stops answering has the sentinels asked at once (a failover, likely).
        let (lostPrimary, primaryLost) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let deliverAndNote: @Sendable (FleetEvent) -> Void = { [self] event in
            if case .sample(let sample) = event, case .failure = sample.outcome,
                let group = sentinelGroup,
                plan.sentinels?.source.target(group.primary).name == sample.node
            {
                primaryLost.yield()
            }
            noteFirsts(event)
        }
        await withDiscardingTaskGroup { group in
            var nodes: [String: NodeWatch] = [:]
            func add(_ target: NodeTarget, connection: ManagedConnection? = nil) {
                guard nodes[target.name] == nil else { return }
                let watch = NodeWatch(
                    target: target, configuration: configuration, connection: connection, deliver: deliverAndNote)
                nodes[target.name] = watch
                watched.withLock {
                    $0.order.append(target.name)
                    $0.endpoints[target.name] = target.endpoint
                }
                group.addTask { await watch.run() }
            }
            // Watches `targets` and no other node: the ones gone stop (and are said gone), the
            // new ones start; the sampling budget is shared out again.
            func watchExactly(_ targets: [NodeTarget]) {
                let wanted = Set(targets.map(\.name))
                for name in watched.withLock({ $0.order }) where !wanted.contains(name) {
                    nodes.removeValue(forKey: name)?.stop()
                    watched.withLock {
                        $0.order.removeAll { $0 == name }
                        $0.endpoints[name] = nil
                    }
                    deliver(.nodeRemoved(name))
                }
                for target in targets where nodes[target.name] == nil { add(target) }
                updateSampling(nodes)
            }
            for (index, target) in plan.targets.enumerated() {
                add(target, connection: index == 0 ? plan.seedConnection : nil)
            }
            updateSampling(nodes)
            if let current = plan.topology, let seed = seeds.first {
                group.addTask {
                    await self.follow(current, seed: seed, source: plan.discoverySource) { request.yield($0) }
                }
            }
            if let sentinels = plan.sentinels {
                group.addTask {
                    await SentinelFollower(
                        discovery: sentinels.discovery, configuration: self.configuration, wake: lostPrimary
                    ).run { request.yield($0.map(Request.sentinel) ?? .notice($1 ?? "")) }
                }
            }
            for await next in requests {
                switch next {
                case .notice(let text):
                    deliver(.notice(text))
                case .sentinel(let read):
                    guard let source = plan.sentinels?.source, let current = sentinelGroup else { continue }
                    // Every read goes on (the sentinels' figures move without the group changing).
                    let found = source.named(read)
                    let changes = SentinelChange.between(current, found)
                    watched.withLock { $0.sentinelGroup = found }
                    watchExactly(([found.primary] + found.replicas).map(source.target))
                    deliver(.sentinel(found, changes: changes))
                case .topology(let found):
                    guard let current = topology, let seed = seeds.first, found != current else { continue }
                    let changes = TopologyChange.between(current, found)
                    watched.withLock { $0.topology = found }
                    // What is watched follows the topology by name, not by the changes (matched
                    // by id): a node that came back under a new id (`CLUSTER RESET HARD`) between
                    // two reads would be added and removed at once, and one read while the
                    // cluster had lost its address would leave it watched after it left.
                    watchExactly(
                        found.nodes.map { NodeTarget(name: $0.name, endpoint: $0.endpoint(like: seed.endpoint)) })
                    deliver(.topology(found, changes: changes))
                }
            }
            group.cancelAll()
        }
    }

    /// Samples keys on the primaries of a cluster, on every target otherwise, each at its
    /// share of the sampling budget.
    private func updateSampling(_ nodes: [String: NodeWatch]) {
        guard configuration.sampling != nil else { return }
        var primaries = topology.map { Set($0.primaries.map(\.name)) }
        if let (group, source) = watched.withLock({ watched in
            watched.sentinelGroup.flatMap { group in watched.sentinelSource.map { (group, $0) } }
        }) {
            primaries = [source.target(group.primary).name]
        }
        var sampled: [NodeWatch] = []
        for (name, watch) in nodes {
            if primaries?.contains(name) ?? true {
                sampled.append(watch)
            } else {
                watch.setSampling(false)
            }
        }
        let rate = configuration.keysPerSecond(sampledNodes: sampled.count)
        for watch in sampled { watch.setSampling(true, keysPerSecond: rate) }
    }

    /// Reads the topology every topology interval until cancelled — from the last node that
    /// answered, else any known node — and hands what it read to `report`; closes the
    /// connection it reads on when it stops.
    private func follow(
        _ initial: ClusterTopology, seed: NodeTarget, source: ManagedConnection?,
        report: @Sendable (Request) -> Void
    ) async {
        var source = source
        while !Task.isCancelled {
            do { try await Task.sleep(for: configuration.topologyInterval) } catch { break }
            let current = topology ?? initial
            var candidates: [Endpoint] = []
            if let source { candidates.append(source.endpoint) }
            for node in current.nodes where !node.isFailed {
                let endpoint = node.endpoint(like: seed.endpoint)
                if !candidates.contains(endpoint) { candidates.append(endpoint) }
            }
            var found: ClusterTopology?
            for endpoint in candidates where !Task.isCancelled {
                let connection: ManagedConnection
                if let source, source.endpoint == endpoint {
                    connection = source
                } else {
                    connection = ManagedConnection(endpoint: endpoint, configuration: configuration.connection)
                }
                guard case .cluster(let read)? = try? await ClusterDiscovery.topology(from: connection) else {
                    await connection.close()
                    if connection === source { source = nil }
                    continue
                }
                if connection !== source {
                    await source?.close()
                    source = connection
                }
                found = read.named(like: seed.endpoint)
                break
            }
            if let found {
                report(.topology(found))
            } else if !Task.isCancelled {
                report(.notice("cluster: no known node answers CLUSTER SHARDS/NODES; keeping the last topology"))
            }
        }
        await source?.close()
    }
}

/// Why a fleet cannot start, in one line.
public struct FleetError: Error, Sendable, CustomStringConvertible {
    /// The one-line reason.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
