import ArgumentParser
import RedisClient
import Telemetry

/// Keyspace events, for every command that runs the engine.
struct EventOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-events"),
        help:
            "Do not subscribe to keyspace events (evictions, expirations, misses per namespace) even where notify-keyspace-events publishes them."
    )
    var noEvents = false

    @Flag(
        name: .customLong("enable-events"),
        help: ArgumentHelp(
            "Turn on the keyspace events cachewatch counts where the server does not publish them: CONFIG SET notify-keyspace-events with E, e, x, g, m added to the server's flags (and o on Redis 8.2+), put back on exit, on errors and on SIGINT/SIGTERM/SIGHUP (a crash or SIGKILL cannot put it back).",
            discussion:
                "Cost on the server (BENCHMARKS.md): evictions and expirations nothing measurable; key misses a third of GET throughput when most reads miss; g (deletions) builds an event on every SET … EX too — see the measured SET+EX cost. Needs CONFIG SET (refused by ACLs and managed services: one line says so)."
        )
    )
    var enableEvents = false

    func validate() throws {
        if noEvents && enableEvents { throw ValidationError("--no-events and --enable-events exclude each other") }
    }

    /// What turns the events on and puts them back, when asked for.
    func enabler(connection: ConnectionConfiguration) -> KeyspaceEventsEnabler? {
        enableEvents ? KeyspaceEventsEnabler(configuration: connection) : nil
    }
}
