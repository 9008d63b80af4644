import ArgumentParser
import RedisClient
import Telemetry

/// Continuous key sampling (the keyspace view and the keyspace rules).
struct SamplingOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-sampling"),
        help: "Do not sample keys (no keyspace view or keyspace rules, no SCAN traffic).")
    var noSampling = false

    @Option(name: .customLong("sample-rate"), help: "Keys sampled per second (about 1.5 cheap commands each).")
    var sampleRate = 100

    func validate() throws {
        guard (1...100_000).contains(sampleRate) else {
            throw ValidationError("--sample-rate must be from 1 to 100000")
        }
    }

    /// The sampler settings of each node, unless sampling is off.
    var configuration: KeySamplerConfiguration? {
        noSampling ? nil : KeySamplerConfiguration(keysPerSecond: sampleRate)
    }
}
