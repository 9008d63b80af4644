import Foundation
import Testing

/// The server matrix: `scripts/test` runs the suites once against Debian's `redis-server` (7.0),
/// then the integration modules again against Valkey 8.1, Redis 6.2 and Redis 8.2 with
/// `CACHEWATCH_SERVER_MATRIX=1`. Only what depends on the server runs again: the wire (RESP2/3,
/// HELLO), what the server has (INFO fields, command logs, slot stats, key sizes), keyspace
/// events, clusters, ACLs and TLS. What does not is marked ``Testing/Trait/sameOnEveryServer``.
public enum ServerMatrix {
    /// Whether this run repeats the integration modules against another server.
    public static var isRepeat: Bool { ProcessInfo.processInfo.environment["CACHEWATCH_SERVER_MATRIX"] == "1" }

    /// Whether this run is the one beside the matrix passes: the long real-time scenarios, once,
    /// against Debian's `redis-server` (`CACHEWATCH_BESIDE_MATRIX=1`).
    public static var isBeside: Bool { ProcessInfo.processInfo.environment["CACHEWATCH_BESIDE_MATRIX"] == "1" }

    /// Whether this run is the last one, alone on the machine: what measures latency under a
    /// load of its own making (`CACHEWATCH_ALONE=1`).
    public static var isAlone: Bool { ProcessInfo.processInfo.environment["CACHEWATCH_ALONE"] == "1" }
}

extension Trait where Self == ConditionTrait {
    /// For a long scenario in real time that does not depend on the server (minutes of a real
    /// workload): it runs once, against Debian's `redis-server`, in a run of its own beside the
    /// server matrix's passes (`scripts/test` starts it with `CACHEWATCH_BESIDE_MATRIX=1`), where
    /// it waits on the clock while they compute — not in the first pass, whose tests run one at a
    /// time. `CACHEWATCH_BESIDE_MATRIX=1 swift test --filter …` runs it alone.
    public static var besideTheMatrix: Self {
        .enabled(
            if: ServerMatrix.isBeside,
            "a long real-time scenario: runs beside the server matrix (CACHEWATCH_BESIDE_MATRIX=1)")
    }

    /// For a test that times answers under a load it makes itself (a flood of connections with
    /// a bound on each scrape): it runs once, in a run of its own after the others
    /// (`scripts/test` starts it with `CACHEWATCH_ALONE=1`), so that what it measures is its own
    /// load, not a neighbouring test process's on a two-core machine.
    /// `CACHEWATCH_ALONE=1 swift test --filter …` runs it.
    public static var alone: Self {
        .enabled(
            if: ServerMatrix.isAlone, "times answers under its own load: runs alone at the end (CACHEWATCH_ALONE=1)")
    }

    /// For a suite or test whose outcome does not depend on which server answers — no server at
    /// all, a fake one, or only client behaviour (formats, terminals, files, signals, flags): it
    /// runs once, against Debian's `redis-server`, not again in the server matrix.
    public static var sameOnEveryServer: Self {
        .disabled(if: ServerMatrix.isRepeat, "does not depend on the server: runs against Debian's redis-server only")
    }
}
