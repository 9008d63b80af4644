import Synchronization
import Telemetry

/// Each node's first sample, kept as they arrive, so that a start can wait for them without
/// polling: every node's, or — once one node has answered — those that came within a grace
/// period (a node hanging in its connect timeout must not hold the others back).
final class FirstSamples: Sendable {
    private let samples = Mutex<[String: Sample]>([:])
    private let order: [String]
    private let everyNode = OneShotSignal()
    private let anyAnswer = OneShotSignal()

    /// Expects a first sample from each of `nodes`, named in order.
    init(nodes: [String]) {
        order = nodes
        if nodes.isEmpty { everyNode.raise() }
    }

    /// Records `sample` if it is its node's first.
    func record(_ sample: Sample) {
        let complete = samples.withLock { samples -> Bool in
            if samples[sample.node] == nil { samples[sample.node] = sample }
            return samples.count >= order.count
        }
        if sample.reading != nil { anyAnswer.raise() }
        if complete { everyNode.raise() }
    }

    /// Waits for every node's first sample, or for `grace` after the first answer (or until the
    /// task is cancelled); returns those that came, in node order.
    func wait(grace: Duration) async -> [Sample] {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.everyNode.wait() }
            group.addTask {
                await self.anyAnswer.wait()
                try? await Task.sleep(for: grace)
            }
            await group.next()
            group.cancelAll()
        }
        let found = samples.withLock { $0 }
        return order.compactMap { found[$0] }
    }
}
