import ArgumentParser

/// How keys end (stale-data risk), for every command that runs the engine: sampled keys
/// with a TTL tracked with `PTTL` on a budget.
struct KeyLifeOptions: ParsableArguments {
    /// The default budget: 20 `PTTL`s a second per node.
    static let defaultChecksPerSecond = 20

    @Option(
        name: .customLong("key-life-checks"),
        help: ArgumentHelp(
            "PTTL checks per second per node that follow sampled keys to their end (expired, deleted, overwritten, evicted) for each namespace's invalidation and staleness bound; 0 turns it off.",
            discussion:
                "Needs no server setting: up to 20 keys per namespace (2,000 per node, as many as the budget can follow) are probed at doubling gaps, then checked shortly before and after their TTL runs out. A TTL-only verdict takes about one TTL; an invalidation on write is usually seen sooner. Cost on the server at the default 20/s: under 0.2 % of a core even with the whole budget spent (BENCHMARKS.md)."
        )
    )
    var checksPerSecond = Self.defaultChecksPerSecond

    func validate() throws {
        if !(0...10_000).contains(checksPerSecond) {
            throw ValidationError("--key-life-checks must be from 0 to 10000")
        }
    }
}
