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

    /// Passes over the keyspace completed.
    public var passes: Int { model.completedPasses }

    /// The figures rules read, at `now`: per node (the biggest expiry wave ahead, the lowest
    /// TTL jitter, the big keys seen) and per namespace, by metric then namespace. One pass over
    /// the model: the node figures are the namespaces' minimum and sum.
    public func figures(now: Date) -> (perNode: [(Metric, Double?)], perNamespace: [(Metric, [String: Double])]) {
        let model = self.model
        var keys: [String: Double] = [:]
        var noTTL: [String: Double] = [:]
        var jitter: [String: Double] = [:]
        var wave: [String: Double] = [:]
        var big: [String: Double] = [:]
        for (name, stats) in model.namespaces {
            keys[name] = model.estimatedKeys(name)
            noTTL[name] = stats.shareWithoutTTL
            if let value = stats.ttlJitter { jitter[name] = value }
            wave[name] = model.expiryWave(of: name, now: now)
            big[name] = 0
        }
        var seen = Set<[UInt8]>()
        for key in model.biggestByMemory + model.biggestByLength where model.isBig(key) {
            guard seen.insert(key.name).inserted else { continue }
            big[model.namespace(of: key), default: 0] += 1
        }
        let perNode: [(Metric, Double?)] = [
            (.expiryWaveKeys, model.expiryPeaks(now: now, count: 1).first?.keys ?? 0),
            (.ttlJitterMin, jitter.values.min()),
            (.bigKeys, Double(seen.count)),
        ]
        let perNamespace: [(Metric, [String: Double])] = [
            (.namespaceKeys, keys), (.namespaceNoTTLShare, noTTL), (.namespaceTTLJitter, jitter),
            (.namespaceExpiryWaveKeys, wave), (.namespaceBigKeys, big),
        ]
        return (perNode, perNamespace)
    }

    /// How often the figures rules read are taken from the model (and a dashboard takes a copy
    /// to show): they walk every record, so not once per batch (a fast sampler delivers dozens
    /// of batches a second).
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
