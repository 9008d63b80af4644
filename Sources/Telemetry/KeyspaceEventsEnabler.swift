import Dispatch
import Foundation
import RESP
import RedisClient
import Synchronization

/// Turns on, where the user asked for it (`--enable-events`, never by default), the keyspace
/// events cachewatch counts — `CONFIG SET notify-keyspace-events` with the missing flags added to
/// the server's own — and puts each node's previous setting back when cachewatch stops: on a
/// normal exit, on an error, on SIGINT/SIGTERM/SIGHUP. A crash or SIGKILL cannot put it back.
///
/// A node is changed once per run: a setting someone turns off again later is left off, and a
/// setting changed by someone else since is left as they made it.
public final class KeyspaceEventsEnabler: Sendable {
    /// One node's change.
    public struct Change: Sendable, Equatable {
        /// The node.
        public var endpoint: Endpoint
        /// The setting before cachewatch changed it.
        public var previous: KeyspaceEventFlags
        /// The setting cachewatch made.
        public var applied: KeyspaceEventFlags
    }

    /// What putting a node's setting back came to.
    public enum Restoration: Sendable, Equatable, CustomStringConvertible {
        /// The previous setting is back.
        case restored(Change)
        /// The setting was changed by someone else (or the server restarted) since: left as is.
        case leftAsFound(Change, now: KeyspaceEventFlags)
        /// The node could not be reached or refused: the setting stays as cachewatch made it.
        case failed(Change, reason: String)

        /// The outcome in one line, with the command to run by hand when it failed.
        public var description: String {
            switch self {
            case .restored(let change):
                return "notify-keyspace-events on \(change.endpoint) put back to \"\(change.previous)\""
            case .leftAsFound(let change, let now):
                return
                    "notify-keyspace-events on \(change.endpoint) left as \"\(now)\": changed since cachewatch set \"\(change.applied)\""
            case .failed(let change, let reason):
                return
                    "could not put notify-keyspace-events on \(change.endpoint) back to \"\(change.previous)\" (\(reason)); run: CONFIG SET notify-keyspace-events \"\(change.previous)\""
            }
        }
    }

    private let configuration: ConnectionConfiguration
    private let changes = Mutex<(pending: [String: Change], touched: Set<String>, closed: Bool)>(([:], [], false))

    /// Creates an enabler whose connections use `configuration` (its policy widened to the one
    /// setting it writes).
    public init(configuration: ConnectionConfiguration) {
        var configuration = configuration
        configuration.policy = .monitoringWithEventSetting
        self.configuration = configuration
    }

    /// The connection settings a subscriber that may enable events uses.
    public var connectionConfiguration: ConnectionConfiguration { configuration }

    /// The changes not put back yet.
    public var pendingChanges: [Change] { changes.withLock { Array($0.pending.values) } }

    /// Adds the flags `kinds` need to `current` on the node behind `connection`, and returns the
    /// new setting; `nil` when this node was changed once already in this run (left as found)
    /// or the run is ending.
    ///
    /// The change is recorded before it is sent, so that a signal arriving meanwhile still puts
    /// it back.
    public func enable(
        _ kinds: Set<KeyEventKind>, current: KeyspaceEventFlags, on connection: RedisConnection, endpoint: Endpoint
    ) async throws -> KeyspaceEventFlags? {
        let applied = current.adding(kinds)
        let change = Change(endpoint: endpoint, previous: current, applied: applied)
        let first = changes.withLock { state in
            guard !state.closed, state.touched.insert(endpoint.description).inserted else { return false }
            state.pending[endpoint.description] = change
            return true
        }
        guard first else { return nil }
        do {
            _ = try await connection.send(RESPCommand("CONFIG", "SET", "notify-keyspace-events", applied.text))
        } catch {
            // A refusal is final for this run; a lost connection may try again.
            let refused = error is RedisServerError || (error as? RedisConnectionError)?.isNotAllowed == true
            changes.withLock { state in
                state.pending[endpoint.description] = nil
                if !refused { state.touched.remove(endpoint.description) }
            }
            throw error
        }
        return applied
    }

    /// Puts every pending change back (where the setting is still what cachewatch made), one
    /// outcome per node; each is attempted once, and nothing is changed any more.
    public func restoreAll() async -> [Restoration] {
        let pending = changes.withLock { state in
            defer { state.pending = [:] }
            state.closed = true
            return Array(state.pending.values)
        }
        var outcomes: [Restoration] = []
        for change in pending.sorted(by: { $0.endpoint.description < $1.endpoint.description }) {
            outcomes.append(await restore(change))
        }
        return outcomes
    }

    /// ``restoreAll()`` from a thread outside Swift concurrency (a signal handler's queue),
    /// waiting at most `timeout`.
    public func restoreAllBlocking(timeout: Duration = .seconds(5)) -> [Restoration] {
        guard !pendingChanges.isEmpty else { return [] }
        let done = DispatchSemaphore(value: 0)
        let outcomes = Mutex<[Restoration]>([])
        Task.detached {
            let restored = await self.restoreAll()
            outcomes.withLock { $0 = restored }
            done.signal()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        _ = done.wait(timeout: .now() + seconds)
        return outcomes.withLock { $0 }
    }

    private func restore(_ change: Change) async -> Restoration {
        var configuration = configuration
        configuration.connectTimeout = min(configuration.connectTimeout, .seconds(3))
        configuration.commandTimeout = min(configuration.commandTimeout, .seconds(3))
        let connection: RedisConnection
        do {
            connection = try await RedisConnection.connect(to: change.endpoint, configuration: configuration)
        } catch {
            return .failed(change, reason: "\(error)")
        }
        let outcome: Restoration
        do {
            let reply = try await connection.send(RESPCommand("CONFIG", "GET", "notify-keyspace-events"))
            let now = KeyspaceEventFlags(Self.configValue(reply) ?? "")
            if now.isEquivalent(to: change.applied) {
                _ = try await connection.send(
                    RESPCommand("CONFIG", "SET", "notify-keyspace-events", change.previous.text))
                outcome = .restored(change)
            } else {
                outcome = .leftAsFound(change, now: now)
            }
        } catch {
            outcome = .failed(change, reason: "\(error)")
        }
        await connection.close()
        return outcome
    }

    /// The value of a `CONFIG GET` reply for one parameter (a RESP3 map or a RESP2 pair).
    static func configValue(_ reply: RESPValue) -> String? {
        if case .map(let pairs) = reply.withoutAttributes { return pairs.first?.value.stringValue }
        let elements = reply.elements ?? []
        return elements.count >= 2 ? elements[1].stringValue : nil
    }
}
