import Foundation
import Telemetry

/// Continuous sampling as the dashboard sees it: the pass in progress, the last complete pass,
/// and what the server refused.
public struct KeyspaceSampling: Sendable {
    /// The pass being sampled.
    public private(set) var current: KeyspaceModel
    /// The last complete pass, if any: the best picture of the whole keyspace.
    public private(set) var lastComplete: KeyspaceModel?
    /// Passes completed.
    public private(set) var passes = 0
    /// Sampler parts the server refused, with reasons.
    public var unavailable: [String] = []
    /// When the last batch arrived.
    public private(set) var updatedAt: Date?

    /// Starts with an empty pass.
    public init(configuration: KeyspaceModel.Configuration = KeyspaceModel.Configuration()) {
        current = KeyspaceModel(configuration: configuration)
    }

    /// The model to show: the last complete pass, or the current one before the first completes
    /// (or when the current pass has already seen more keys).
    public var model: KeyspaceModel {
        guard let lastComplete, lastComplete.sampledKeys >= current.sampledKeys else { return current }
        return lastComplete
    }

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

    /// Adds a batch; a finished pass becomes the last complete one and a new pass starts.
    public mutating func add(_ keys: [KeyMetadata], finishedPass: Bool, totalKeys: Int64?, now: Date) {
        for key in keys { current.record(key, now: now) }
        if let totalKeys { current.updateTotal(keys: totalKeys) }
        updatedAt = now
        if finishedPass {
            lastComplete = current
            passes += 1
            current = KeyspaceModel(configuration: current.configuration)
            if let totalKeys { current.updateTotal(keys: totalKeys) }
        }
    }
}
