import Export
import NIOCore
import Synchronization

/// The newest exposition, handed from the watch loop (once per tick) to the endpoint's scrapes;
/// each format is rendered once per tick, however many servers scrape (an HA pair scrapes twice).
/// It also keeps what serving has cost (``ExpositionCost``), which the body reports.
public final class LatestExposition: Sendable {
    private struct State {
        var exposition: PrometheusExposition?
        var rendered: [ExpositionFormat: ByteBuffer] = [:]
        var generation = 0
        var cost = ExpositionCost()
    }

    private let state = Mutex(State())

    /// Creates an empty holder: scrapes get 503 until the first tick.
    public init() {}

    /// Replaces the exposition, counting its ``PrometheusExposition/buildCPUTime``.
    public func publish(_ exposition: PrometheusExposition) {
        state.withLock {
            var cost = $0.cost
            cost.build += exposition.buildCPUTime
            $0 = State(exposition: exposition, generation: $0.generation + 1, cost: cost)
        }
    }

    /// Whether a tick has been published.
    public var isReady: Bool { state.withLock { $0.exposition != nil } }

    /// What serving has cost so far.
    public var cost: ExpositionCost { state.withLock { $0.cost } }

    /// The newest exposition's body in `format`, `nil` before the first tick (a buffer shared
    /// by the scrapes of one tick, not copied for each); counts a scrape.
    public func body(_ format: ExpositionFormat) -> ByteBuffer? {
        let (exposition, cached, generation, cost) = state.withLock { state in
            if state.exposition != nil { state.cost.scrapes += 1 }
            return (state.exposition, state.rendered[format], state.generation, state.cost)
        }
        if let cached { return cached }
        guard let exposition else { return nil }
        // Rendered outside the lock: a tick's publish never waits for a scrape.
        let (body, renderTime) = ThreadCPUClock.measure { ByteBuffer(bytes: exposition.bytes(format, cost: cost)) }
        state.withLock { state in
            state.cost.render += renderTime
            // Kept only if no newer tick replaced the exposition meanwhile.
            if state.generation == generation { state.rendered[format] = body }
        }
        return body
    }

    /// Replaces the endpoint's connection figures (shown from the next tick's body on).
    public func recordConnections(_ stats: HTTPConnectionStats) {
        state.withLock { $0.cost.connections = stats }
    }

    /// Counts the CPU time spent writing a response to the socket.
    public func recordWrite(_ time: Duration) {
        state.withLock { $0.cost.write += time }
    }
}
