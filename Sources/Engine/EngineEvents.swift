import Fleet
import Synchronization

/// The one stream of the engine's events: what the fleet's tasks deliver, in batches of
/// everything that arrived since the last one. Headless consumers iterate it (`for await`);
/// the dashboard, whose loop waits on the terminal, takes what is there with ``drain()``.
public final class EngineEvents: AsyncSequence, Sendable {
    /// Iterates the batches; ends when the iterating task is cancelled.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let events: EngineEvents

        /// The next batch (never empty), or `nil` once the task is cancelled.
        public mutating func next() async -> [FleetEvent]? { await events.next() }
    }

    private struct State {
        var pending: [FleetEvent] = []
        var waiters: [Int: CheckedContinuation<[FleetEvent]?, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// Creates an empty stream.
    public init() {}

    /// Adds an event (any task).
    public func push(_ event: FleetEvent) {
        let woken = state.withLock { state -> (CheckedContinuation<[FleetEvent]?, Never>, [FleetEvent])? in
            state.pending.append(event)
            guard let id = state.waiters.keys.min(), let waiter = state.waiters.removeValue(forKey: id) else {
                return nil
            }
            defer { state.pending = [] }
            return (waiter, state.pending)
        }
        if let (waiter, batch) = woken { waiter.resume(returning: batch) }
    }

    /// Takes everything waiting, without waiting (possibly nothing).
    public func drain() -> [FleetEvent] {
        state.withLock { state in
            defer { state.pending = [] }
            return state.pending
        }
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(events: self) }

    /// Waits for the next batch: everything waiting now, or the next event to arrive; `nil`
    /// once the task is cancelled.
    public func next() async -> [FleetEvent]? {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[FleetEvent]?, Never>) in
                let ready = state.withLock { state -> [FleetEvent]?? in
                    if Task.isCancelled { return .some(nil) }
                    if !state.pending.isEmpty {
                        defer { state.pending = [] }
                        return .some(state.pending)
                    }
                    state.waiters[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for the next batch until `deadline`: the batch, an empty batch at the deadline,
    /// or `nil` once the task is cancelled. Nothing that arrives meanwhile is lost.
    public func next(before deadline: ContinuousClock.Instant) async -> [FleetEvent]? {
        if ContinuousClock.now >= deadline { return Task.isCancelled ? nil : drain() }
        let batches = await withTaskGroup(of: [FleetEvent]?.self) { group -> [[FleetEvent]?] in
            group.addTask { await self.next() }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return []
            }
            var batches: [[FleetEvent]?] = [await group.next() ?? nil]
            group.cancelAll()
            for await batch in group { batches.append(batch) }
            return batches
        }
        if Task.isCancelled { return nil }
        return batches.compactMap { $0 }.flatMap { $0 } + drain()
    }
}
