import Export
import NIOCore
import Synchronization

/// The newest exposition, handed from the watch loop (once per tick) to the endpoint's scrapes;
/// each format is rendered once per tick, however many servers scrape (an HA pair scrapes twice).
public final class LatestExposition: Sendable {
    private struct State {
        var exposition: PrometheusExposition?
        var rendered: [ExpositionFormat: ByteBuffer] = [:]
        var generation = 0
    }

    private let state = Mutex(State())

    /// Creates an empty holder: scrapes get 503 until the first tick.
    public init() {}

    /// Replaces the exposition.
    public func publish(_ exposition: PrometheusExposition) {
        state.withLock { $0 = State(exposition: exposition, generation: $0.generation + 1) }
    }

    /// Whether a tick has been published.
    public var isReady: Bool { state.withLock { $0.exposition != nil } }

    /// The newest exposition's body in `format`, `nil` before the first tick (a buffer shared
    /// by the scrapes of one tick, not copied for each).
    public func body(_ format: ExpositionFormat) -> ByteBuffer? {
        let (exposition, cached, generation) = state.withLock { ($0.exposition, $0.rendered[format], $0.generation) }
        if let cached { return cached }
        guard let exposition else { return nil }
        // Rendered outside the lock: a tick's publish never waits for a scrape.
        let body = ByteBuffer(bytes: exposition.bytes(format))
        state.withLock { state in
            // Kept only if no newer tick replaced the exposition meanwhile.
            if state.generation == generation { state.rendered[format] = body }
        }
        return body
    }
}
