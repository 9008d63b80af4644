import Export
import Synchronization

/// The newest exposition, handed from the watch loop (once per tick) to the endpoint's scrapes.
public final class LatestExposition: Sendable {
    private let value = Mutex<PrometheusExposition?>(nil)

    /// Creates an empty holder: scrapes get 503 until the first tick.
    public init() {}

    /// Replaces the exposition.
    public func publish(_ exposition: PrometheusExposition) { value.withLock { $0 = exposition } }

    /// The newest exposition, `nil` before the first tick.
    public var current: PrometheusExposition? { value.withLock { $0 } }
}
