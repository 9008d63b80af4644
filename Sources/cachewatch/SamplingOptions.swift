import ArgumentParser
import RedisClient
import Telemetry

/// Continuous key sampling (the keyspace view and the keyspace rules).
struct SamplingOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-sampling"),
        help: "Do not sample keys (no keyspace view or keyspace rules, no SCAN traffic).")
    var noSampling = false

    @Option(
        name: .customLong("sample-rate"),
        help:
            "Keys sampled per second per node, about 3 cheap commands each (default: 100 while watching, shared out to 1,000/s in all over more than ten nodes; 2,000 for check's and snapshot's short window)."
    )
    var sampleRate: Int?

    func validate() throws {
        if let sampleRate, !(1...100_000).contains(sampleRate) {
            throw ValidationError("--sample-rate must be from 1 to 100000")
        }
    }

    /// Whether the user fixed the rate (else the fleet shares out its budget).
    var fixedRate: Bool { sampleRate != nil }

    /// The sampler settings of each node, unless sampling is off.
    var configuration: KeySamplerConfiguration? {
        noSampling ? nil : KeySamplerConfiguration(keysPerSecond: sampleRate ?? 100)
    }

    /// Keys a second that `check` and `snapshot` sample per node by default: enough to cover a
    /// keyspace of a few thousand keys within their window, at about 6,000 cheap commands a
    /// second — each SCAN still held under the 1 ms budget.
    static let oneShotRate = 2_000

    /// The sampler settings of the one-shot commands (`check`, `snapshot`), unless sampling is off.
    var oneShotConfiguration: KeySamplerConfiguration? {
        noSampling ? nil : KeySamplerConfiguration(scanCount: 250, keysPerSecond: sampleRate ?? Self.oneShotRate)
    }
}
