import Foundation

/// Watching for a window and then reporting: the one loop of the commands that do (`check`,
/// `snapshot`, and a replay's window). It applies the engine's events to a state — the same
/// state, sources and rules as `watch` — until the window ends, or sooner once every node has
/// been polled enough times.
public struct EngineWindow: Sendable {
    /// How long to watch, in seconds.
    public var seconds: Double
    /// Stop as soon as every node has been polled this many times (`nil`: watch the whole window).
    public var enoughPolls: Int?
    /// Seconds the window may run past ``seconds`` while waiting for ``enoughPolls`` (a poll
    /// that times out); without ``enoughPolls`` the window ends at ``seconds``.
    public var grace: Double

    /// A window of `seconds`, ended early by `enoughPolls` per node, allowing `grace` seconds more
    /// for those polls.
    public init(seconds: Double, enoughPolls: Int? = nil, grace: Double = 0) {
        self.seconds = seconds
        self.enoughPolls = enoughPolls
        self.grace = grace
    }

    /// Applies `engine`'s events to `state` until the window ends, then what is waiting (keys
    /// sampled meanwhile, events counted), so that the state holds everything the window saw.
    ///
    /// - Parameters:
    /// Each step is stamped by the engine's clock.
    ///
    /// - Parameter step: called with each step's outcome (notices to show, alert events).
    public func run(
        on engine: MonitoringEngine, state: inout EngineState, step: (EngineOutcome) -> Void = { _ in }
    ) async {
        let allowed = seconds + (enoughPolls == nil ? 0 : grace)
        let deadline = ContinuousClock.now + .milliseconds(Int64(allowed * 1000))
        var polls: [String: Int] = [:]
        while let batch = await engine.events.next(before: deadline) {
            let outcome = state.apply(batch, now: engine.clock.now)
            step(outcome)
            for sample in outcome.samples { polls[sample.node, default: 0] += 1 }
            if ContinuousClock.now >= deadline { break }
            if let enoughPolls, !polls.isEmpty, polls.values.allSatisfy({ $0 >= enoughPolls }) { break }
        }
        if Task.isCancelled { return }
        step(state.apply(engine.events.drain(), now: engine.clock.now))
    }
}
