import Export
import NIOCore
import Synchronization

/// The endpoint's open connections, across its event loops: which phase each is in and since
/// when, so that a new connection beyond ``EndpointLimits/maxConnections`` sheds the oldest one
/// not being answered (a half-sent header, an idle keep-alive, a stalled handshake); and the
/// figures the exposition reports (``HTTPConnectionStats``).
final class ConnectionRegistry: Sendable {
    /// A connection's phase, as its guard (``ConnectionGuard``) tracks it.
    enum Phase: Sendable {
        case handshake, header, idle, response
    }

    private struct Entry {
        let channel: any Channel
        var phase: Phase
        /// When it last changed phase, in arrival order (a counter: clocks can tie).
        var since: UInt64
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var order: UInt64 = 0
        var stats = HTTPConnectionStats()
    }

    private let state = Mutex(State())
    private let maxConnections: Int
    private let publish: @Sendable (HTTPConnectionStats) -> Void

    /// A registry holding at most `maxConnections`, handing its figures to `publish` on every
    /// change.
    init(maxConnections: Int, publish: @escaping @Sendable (HTTPConnectionStats) -> Void) {
        self.maxConnections = maxConnections
        self.publish = publish
    }

    /// Registers a new connection; returns the connection to shed to make room (the oldest
    /// not being answered; the new one itself when every other is being answered), if full.
    func opened(_ channel: any Channel, phase: Phase) -> (any Channel)? {
        let (victim, stats) = state.withLock { state -> ((any Channel)?, HTTPConnectionStats) in
            state.order += 1
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, phase: phase, since: state.order)
            var victim: (any Channel)?
            if state.entries.count > maxConnections {
                let candidate = state.entries.values.filter { $0.phase != .response && $0.channel !== channel }
                    .min { $0.since < $1.since }
                victim = candidate?.channel ?? channel
                if let victim { state.entries[ObjectIdentifier(victim)] = nil }
                state.stats.shed += 1
            }
            state.stats.open = state.entries.count
            return (victim, state.stats)
        }
        publish(stats)
        return victim
    }

    /// Notes a connection's new phase.
    func changed(_ channel: any Channel, to phase: Phase) {
        state.withLock { state in
            guard var entry = state.entries[ObjectIdentifier(channel)] else { return }
            state.order += 1
            entry.phase = phase
            entry.since = state.order
            state.entries[ObjectIdentifier(channel)] = entry
        }
    }

    /// Counts a timeout in `phase`.
    func timedOut(in phase: Phase) {
        let label: HTTPConnectionStats.Phase =
            switch phase {
            case .handshake: .tlsHandshake
            case .header: .header
            case .idle: .idle
            case .response: .response
            }
        let stats = state.withLock { state in
            state.stats.timeouts[label, default: 0] += 1
            return state.stats
        }
        publish(stats)
    }

    /// Forgets a closed connection.
    func closed(_ channel: any Channel) {
        let stats = state.withLock { state in
            state.entries[ObjectIdentifier(channel)] = nil
            state.stats.open = state.entries.count
            return state.stats
        }
        publish(stats)
    }

    /// The figures now.
    var stats: HTTPConnectionStats { state.withLock { $0.stats } }
}
