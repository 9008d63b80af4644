import Alerts
import Fleet
import Foundation
import Metrics
import Telemetry

/// Applies the fleet's events to a metric store, the same way for the dashboard, `watch`,
/// `check` and `snapshot`: samples into the series, key batches into each node's
/// ``KeyspaceFeed`` (figures recorded before the rules run), topologies kept.
struct FleetIngest {
    /// What one batch of events did.
    struct Outcome {
        /// The samples ingested, in arrival order.
        var samples: [Sample] = []
        /// Lines to tell the user once: sampler refusals, topology changes, fleet notices.
        var notices: [String] = []
        /// Whether key figures changed.
        var keysChanged = false
        /// Whether the topology changed.
        var topologyChanged = false

        /// The time of the newest sample, if any arrived.
        var newestSampleTime: Date? { samples.map(\.time).max() }

        /// Evaluates `engine` once for this batch: at the newest sample's time, on the nodes
        /// that reported (none: no evaluation, no events).
        func evaluate(_ engine: inout RuleEngine, in store: MetricStore) -> [AlertEvent] {
            guard let newest = newestSampleTime else { return [] }
            return engine.eval(now: newest, store: store, nodes: Set(samples.map(\.node)))
        }
    }

    /// The database each node's keys are sampled in (0 for nodes not listed: cluster nodes).
    let databases: [String: Int]
    /// What key sampling found, per node.
    private(set) var feeds: [String: KeyspaceFeed] = [:]
    /// The cluster's topology, when watching one.
    private(set) var topology: ClusterTopology?

    init(databases: [String: Int]) {
        self.databases = databases
    }

    /// The key sampling of `node`, if it is sampled.
    func sampling(of node: String) -> KeyspaceSampling? { feeds[node]?.sampling }

    /// The key sampling of every sampled node.
    var samplings: [String: KeyspaceSampling] { feeds.mapValues(\.sampling) }

    /// Applies `events` in order.
    mutating func apply(
        _ events: [FleetEvent], to store: inout MetricStore
    ) -> Outcome {
        var outcome = Outcome()
        for event in events {
            switch event {
            case .sample(let sample):
                store.ingest(sample)
                outcome.samples.append(sample)
            case .keys(let node, let keys, let finished, let unavailable):
                // Taken out of the table while it changes: a copy left there would make the
                // change copy the whole key sample (copy-on-write) on every batch.
                var feed = feeds.removeValue(forKey: node) ?? KeyspaceFeed(node: node, database: databases[node] ?? 0)
                let batch = KeyspaceFeed.Batch(keys: keys, finishedPass: finished, unavailable: unavailable)
                let now = store[node]?.times.last.map(Date.init(timeIntervalSince1970:)) ?? Date()
                for reason in feed.add([batch], to: &store, now: now) {
                    outcome.notices.append("key sampling on \(node): \(reason)")
                }
                feeds[node] = feed
                outcome.keysChanged = true
            case .topology(let found, let changes):
                topology = found
                outcome.topologyChanged = true
                outcome.notices += changes.map(\.description)
            case .nodeRemoved(let name):
                // A node that left the cluster leaves the store: no stale rows, no stale alerts.
                store.remove(node: name)
                feeds[name] = nil
                outcome.topologyChanged = true
            case .notice(let text):
                outcome.notices.append(text)
            }
        }
        return outcome
    }
}
