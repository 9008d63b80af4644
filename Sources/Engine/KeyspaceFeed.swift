import Foundation
import Metrics
import Telemetry

/// Key sampling as the rules see it, shared by the dashboard and the headless loops: batches
/// from the sampler go into the model (scaled to the exact key count of the sampled database),
/// and its figures go into the node's series before the rules are evaluated.
struct KeyspaceFeed {
    /// One batch of sampled keys.
    struct Batch: Sendable {
        let keys: [KeyMetadata]
        let finishedPass: Bool
        let unavailable: [SamplerPart: String]
    }

    /// The node the sampler walks.
    let node: String
    /// The database sampled (its exact key count scales the estimates).
    let database: Int
    /// What the samples say so far.
    var sampling = KeyspaceSampling()
    /// Its figures, taken at most once a second (and when a pass ends); `nil` until the first
    /// batch.
    private(set) var figures: KeyspaceFigures?
    private var reported: Set<String> = []
    /// When the model's figures last went into the store: they walk every record, so at most
    /// once a second (and when a pass ends), not once per batch.
    private var recordedAt: Date?

    /// Starts with nothing sampled.
    init(node: String, database: Int) {
        self.node = node
        self.database = database
    }

    /// Adds the batches that arrived and records the figures in the node's series; returns the
    /// sampler parts the server refused (ACL, a renamed command) not reported before, to print once.
    mutating func add(_ batches: [Batch], to metrics: inout NodeMetrics, now: Date) -> [String] {
        guard !batches.isEmpty else { return [] }
        var fresh: [String] = []
        var finished = false
        for batch in batches {
            finished = finished || batch.finishedPass
            let total = metrics.lastInfo?.keyspace[database]?.keys ?? 0
            sampling.add(batch.keys, finishedPass: batch.finishedPass, totalKeys: total, now: now)
            sampling.unavailable = batch.unavailable.sorted { $0.key < $1.key }.map(\.value)
            // Refusals only: lengths are the sampler's choice on servers without NO-TOUCH, not an error.
            for (part, reason) in batch.unavailable.sorted(by: { $0.key < $1.key })
            where part.isRefusal && reported.insert(reason).inserted {
                fresh.append(reason)
            }
        }
        let due = recordedAt.map { now.timeIntervalSince($0) >= KeyspaceSampling.figuresInterval || $0 > now } ?? true
        if finished || due {
            let figures = KeyspaceFigures(sampling, now: now)
            self.figures = figures
            metrics.record(figures)
            recordedAt = now
        }
        return fresh
    }
}
