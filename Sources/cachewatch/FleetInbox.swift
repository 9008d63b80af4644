import Fleet
import Synchronization

/// Where the fleet's tasks leave their events for the one loop that owns the state: the
/// dashboard drains it between keys, the headless loops wait on it.
final class FleetInbox: Sendable {
    private let pending = Mutex<[FleetEvent]>([])
    private let doorbell: AsyncStream<Void>
    private let ring: AsyncStream<Void>.Continuation

    init() {
        (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds an event (any task).
    func push(_ event: FleetEvent) {
        pending.withLock { $0.append(event) }
        ring.yield()
    }

    /// Takes everything waiting.
    func drain() -> [FleetEvent] {
        pending.withLock { events in
            defer { events = [] }
            return events
        }
    }

    /// Waits until something was pushed since the last wait (returns at once if it was), or
    /// the task is cancelled.
    func wait() async {
        var iterator = doorbell.makeAsyncIterator()
        _ = await iterator.next()
    }
}
