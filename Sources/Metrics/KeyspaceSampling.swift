import Foundation
import Telemetry

/// Continuous sampling as the dashboard sees it: the model of the keyspace now, the passes
/// completed, and what the server refused.
public struct KeyspaceSampling: Sendable {
    /// The keyspace as sampled: re-sampled keys replace their records, a completed pass drops
    /// what it no longer saw.
    public private(set) var model: KeyspaceModel
    /// Sampler parts the server refused, with reasons.
    public var unavailable: [String] = []
    /// When the last batch arrived.
    public private(set) var updatedAt: Date?

    /// Starts with an empty model (sized for continuous sampling by default).
    public init(configuration: KeyspaceModel.Configuration = .continuous) {
        model = KeyspaceModel(configuration: configuration)
    }

    /// The keyspace as `model` holds it whole (an RDB file read key by key), at `now`.
    public init(whole model: KeyspaceModel, now: Date) {
        self.model = model
        updatedAt = now
    }

    /// Passes over the keyspace completed.
    public var passes: Int { model.completedPasses }

    /// How often ``KeyspaceFigures`` are taken from the model (for the rules, the dashboard,
    /// snapshots and recordings): they walk every record, so not once per batch (a fast sampler
    /// delivers dozens of batches a second).
    public static let figuresInterval: TimeInterval = 1
    /// How often TTL jitter (a sort of every running expiry) and the big keys' expiry are
    /// brought up to date; jitter moves over minutes.
    public static let refreshInterval: TimeInterval = 5

    /// Adds a batch; a finished pass drops what the pass did not see again. Time-dependent
    /// figures (jitter, expired big keys) are brought up to `now` when a pass ends, and otherwise
    /// at most once every ``refreshInterval``.
    public mutating func add(_ keys: [KeyMetadata], finishedPass: Bool, totalKeys: Int64?, now: Date) {
        for key in keys { model.record(key, now: now) }
        if let totalKeys { model.updateTotal(keys: totalKeys) }
        updatedAt = now
        if finishedPass { model.completePass() }
        let due = model.refreshedAt.map { now.timeIntervalSince($0) >= Self.refreshInterval || $0 > now } ?? true
        if finishedPass || due { model.refresh(now: now) }
    }
}
