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
}

extension Trait where Self == ConditionTrait {
    /// For a suite or test whose outcome does not depend on which server answers — no server at
    /// all, a fake one, or only client behaviour (formats, terminals, files, signals, flags): it
    /// runs once, against Debian's `redis-server`, not again in the server matrix.
    public static var sameOnEveryServer: Self {
        .disabled(if: ServerMatrix.isRepeat, "does not depend on the server: runs against Debian's redis-server only")
    }
}
