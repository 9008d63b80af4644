import ArgumentParser

/// Keyspace events for the long-running commands (`top`, `watch`).
struct EventOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-events"),
        help:
            "Do not subscribe to keyspace events (evictions, expirations, misses per namespace) even where notify-keyspace-events publishes them."
    )
    var noEvents = false
}
