import Synchronization
import Telemetry

/// What the poller and the key sampler hand over to the dashboard's loop.
final class SampleInbox: Sendable {
    /// One batch of sampled keys.
    struct KeyBatch: Sendable {
        let keys: [KeyMetadata]
        let finishedPass: Bool
        let unavailable: [String: String]
    }

    private let pending = Mutex<(samples: [Sample], keys: [KeyBatch])>(([], []))

    /// Adds a poll's sample (poller side).
    func push(_ sample: Sample) {
        pending.withLock { $0.samples.append(sample) }
    }

    /// Adds a batch of sampled keys (sampler side).
    func push(_ batch: KeyBatch) {
        pending.withLock { $0.keys.append(batch) }
    }

    /// Runs `sampler` (if any) on a task of its own, pushing each batch here; cancel the task
    /// to stop it.
    func collect(from sampler: KeySampler?) -> Task<Void, Never> {
        Task.detached { [self] in
            await sampler?.run { keys, finished, unavailable in
                self.push(KeyBatch(keys: keys, finishedPass: finished, unavailable: unavailable))
            }
        }
    }

    /// Takes everything waiting (dashboard side).
    func drain() -> (samples: [Sample], keys: [KeyBatch]) {
        pending.withLock { pending in
            defer { pending = ([], []) }
            return pending
        }
    }
}
