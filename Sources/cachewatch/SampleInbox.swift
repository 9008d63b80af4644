import Synchronization
import Telemetry

/// Samples handed from the poller's task to the dashboard's loop.
final class SampleInbox: Sendable {
    private let samples = Mutex<[Sample]>([])

    /// Adds a sample (poller side).
    func push(_ sample: Sample) {
        samples.withLock { $0.append(sample) }
    }

    /// Takes every waiting sample (dashboard side).
    func drain() -> [Sample] {
        samples.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
