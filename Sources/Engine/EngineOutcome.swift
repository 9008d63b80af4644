import Alerts
import Foundation
import Telemetry

/// What one ``EngineState/apply(_:now:)`` step did, for its consumer to show or send.
public struct EngineOutcome: Sendable {
    /// The samples ingested, in arrival order.
    public var samples: [Sample] = []
    /// Lines to tell the user once: sampler refusals, topology changes, fleet notices.
    public var notices: [String] = []
    /// The alert events of this step's evaluation (fired, resolved), oldest first.
    public var alertEvents: [AlertEvent] = []
    /// Whether the rules were evaluated (a step with samples).
    public var evaluated = false
    /// Whether key figures changed.
    public var keysChanged = false
    /// Whether the topology changed.
    public var topologyChanged = false

    /// Creates an empty outcome.
    public init() {}

    /// Whether anything shown changed: samples, key figures or the topology.
    public var changedAnything: Bool { !samples.isEmpty || keysChanged || topologyChanged }

    /// The time of the newest sample, if any arrived.
    public var newestSampleTime: Date? { samples.map(\.time).max() }
}
