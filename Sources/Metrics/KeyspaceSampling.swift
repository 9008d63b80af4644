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

    /// The figures rules read, at `now`: the biggest expiry wave ahead, the lowest TTL jitter,
    /// the big keys seen.
    public func figures(now: Date) -> [(Metric, Double?)] {
        let model = self.model
        let jitters = model.namespaces.values.compactMap(\.ttlJitter)
        return [
            (.expiryWaveKeys, model.expiryPeaks(now: now, count: 1).first?.keys ?? 0),
            (.ttlJitterMin, jitters.min()),
            (.bigKeys, Double(model.biggestByMemory.filter(model.isBig).count)),
        ]
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
