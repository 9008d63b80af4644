import Export
import NIOCore
import Synchronization

/// The endpoint's open connections, across its event loops: which phase each is in, since when
/// and how far it got, so that a new connection beyond ``EndpointLimits/maxConnections`` sheds
/// one not being answered — the least advanced first (``Standing``), the oldest of those — and
/// the figures the exposition reports (``HTTPConnectionStats``).
///
/// Why by standing before age: under a flood of connections that stall, age alone sheds a
/// genuine client whose handshake is still under way once enough newer attackers arrive. A
/// client the endpoint has answered (its TLS hello was whole) or that has sent request bytes is
/// advancing; one that completed a request before (a scraper's keep-alive) goes last.
final class ConnectionRegistry: Sendable {
    /// A connection's phase, as its guard (``ConnectionGuard``) tracks it.
    enum Phase: Sendable {
        case handshake, header, idle, response
    }

    /// How far a connection got, in the order connections are shed (least advanced first).
    enum Standing: Int, Comparable, Sendable {
        /// Nothing in this phase yet: a TLS hello not whole (nothing answered), no byte of a
        /// request header after the handshake.
        case silent
        /// Advancing in this phase: the endpoint answered its TLS hello, or request bytes came.
        case advancing
        /// It completed a request before (a keep-alive between scrapes).
        case served

        static func < (lhs: Standing, rhs: Standing) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct Entry {
        let channel: any Channel
        var phase: Phase
        var standing = Standing.silent
        /// When it last changed phase, in arrival order (a counter: clocks can tie).
        var since: UInt64

        /// Whether it is shed before `other`.
        func goesBefore(_ other: Entry) -> Bool {
            standing != other.standing ? standing < other.standing : since < other.since
        }
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

    /// Registers a new connection; returns the connection to shed to make room (of those not
    /// being answered, the least advanced, the oldest of those; the new one itself when every
    /// other is being answered), if full.
    func opened(_ channel: any Channel, phase: Phase) -> (any Channel)? {
        let (victim, stats) = state.withLock { state -> ((any Channel)?, HTTPConnectionStats) in
            state.order += 1
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, phase: phase, since: state.order)
            var victim: (any Channel)?
            if state.entries.count > maxConnections {
                let candidate = state.entries.values.filter { $0.phase != .response && $0.channel !== channel }
                    .min { $0.goesBefore($1) }
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

    /// Notes a connection's new phase: silent in it, unless it was served before.
    func changed(_ channel: any Channel, to phase: Phase) {
        state.withLock { state in
            guard var entry = state.entries[ObjectIdentifier(channel)] else { return }
            state.order += 1
            if entry.phase == .response { entry.standing = .served }
            entry.phase = phase
            if entry.standing != .served { entry.standing = .silent }
            entry.since = state.order
            state.entries[ObjectIdentifier(channel)] = entry
        }
    }

    /// Notes that a connection advances in its phase (the endpoint answered its TLS hello, or
    /// request bytes came).
    func advanced(_ channel: any Channel) {
        state.withLock { state in
            guard var entry = state.entries[ObjectIdentifier(channel)], entry.standing == .silent else { return }
            entry.standing = .advancing
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
