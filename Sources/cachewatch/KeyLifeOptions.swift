import ArgumentParser

/// How keys end (stale-data risk) for the long-running commands (`top`, `watch`): sampled keys
/// with a TTL tracked with `PTTL` on a budget.
struct KeyLifeOptions: ParsableArguments {
    /// The default budget: 20 `PTTL`s a second per node.
    static let defaultChecksPerSecond = 20

    @Option(
        name: .customLong("key-life-checks"),
        help: ArgumentHelp(
            "PTTL checks per second per node that follow sampled keys to their end (expired, deleted, overwritten, evicted) for each namespace's invalidation and staleness bound; 0 turns it off.",
            discussion:
                "Needs no server setting: up to 20 keys per namespace (2,000 per node) are each checked twice, shortly before and after their TTL runs out. A verdict needs 5 ends, about one TTL. Cost on the server at the default 20/s: about 0.01 % of a core (BENCHMARKS.md)."
        )
    )
    var checksPerSecond = Self.defaultChecksPerSecond

    func validate() throws {
        if !(0...10_000).contains(checksPerSecond) {
            throw ValidationError("--key-life-checks must be from 0 to 10000")
        }
    }
}
