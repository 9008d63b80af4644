import Foundation
import RESP
import RedisClient
import Synchronization

/// Receives a node's evictions, expirations, deletions, overwrites, new keys and key misses as
/// keyevent pushes on a connection of its own (RESP3: `SUBSCRIBE
/// __keyevent@<db>__:evicted|expired|del|overwritten|new|keymiss`), and hands each
/// event's key to `record` on the connection's event loop — constant work per event, nothing
/// queued, so a flood cannot pile up here (a server that finds the subscriber too slow closes it:
/// `client-output-buffer-limit pubsub`; that interval is then a gap).
///
/// A lost connection is reopened with backoff and subscribed again; each change of state is
/// reported once.
public final class KeyEventSubscriber: Sendable {
    /// Where the subscription stands.
    public enum State: Sendable, Equatable {
        /// Subscribed to `kinds` (those the server publishes): events from `since` on are counted.
        case subscribed(kinds: Set<KeyEventKind>, since: Date)
        /// The server publishes none of the kinds asked for (`notify-keyspace-events` as given);
        /// `wanted` are those it could publish that cachewatch would turn on (see
        /// ``KeyEventKind/isEnabledOnRequest(beside:)``). The setting is read again every
        /// ``KeyEventSubscriber/recheckInterval``.
        case off(KeyspaceEventFlags, wanted: Set<KeyEventKind>)
        /// Not receiving (never connected, lost, closed by the server): the interval is a gap.
        case interrupted(reason: String)
        /// The server refuses what the subscription needs (ACL, a renamed command, RESP2): it
        /// is not tried again.
        case refused(reason: String)
        /// What was done to the server's setting on the user's request (`--enable-events`):
        /// turned on, or refused. Told once; the subscription's own state follows.
        case settingChanged(String)
    }

    /// The node.
    public let endpoint: Endpoint
    /// The kinds subscribed to, where the server can publish them (see
    /// ``KeyEventKind/isPublishable(server:version:)``).
    public let kinds: Set<KeyEventKind>
    private let configuration: ConnectionConfiguration
    private let backoff: ReconnectBackoff
    private let ownTraffic: OwnTraffic?
    private let wallClock: any WallClock
    private let enabler: KeyspaceEventsEnabler?
    private let record: @Sendable (KeyEventKind, [UInt8]) -> Void
    private let lossFound: @Sendable (Int?) -> Void
    /// Evictions and expirations received, across subscriptions (held against the server's count).
    private let evictionsAndExpirations = Atomic<Int>(0)

    /// Creates a subscriber; nothing is opened until ``run(report:)``.
    ///
    /// - Parameters:
    ///   - ownTraffic: where its commands (handshake, `CONFIG GET`, `SUBSCRIBE`, keep-alive
    ///     `PING`s) are counted, as they are sent, so that the node's rates leave them out.
    ///   - enabler: where the user asked for it, what turns the missing flags on (and puts them
    ///     back on exit); `nil`: the server's setting is only read.
    ///   - record: called for each event with its kind and key name, on the connection's event
    ///     loop: it must return quickly.
    ///   - lossFound: called at each subscription with the evictions and expirations lost since
    ///     the previous one (see ``KeyEventLoss``), `nil` when that cannot be known.
    ///   - wallClock: stamps when each subscription starts counting.
    public init(
        endpoint: Endpoint, configuration: ConnectionConfiguration, kinds: Set<KeyEventKind>,
        backoff: ReconnectBackoff = ReconnectBackoff(), ownTraffic: OwnTraffic? = nil,
        enabler: KeyspaceEventsEnabler? = nil, record: @escaping @Sendable (KeyEventKind, [UInt8]) -> Void,
        lossFound: @escaping @Sendable (Int?) -> Void = { _ in }, wallClock: any WallClock = .system
    ) {
        self.wallClock = wallClock
        self.lossFound = lossFound
        self.ownTraffic = ownTraffic
        self.enabler = enabler
        self.endpoint = endpoint
        self.configuration = configuration
        self.kinds = kinds
        self.backoff = backoff
        self.record = record
    }

    /// How long a reply on the subscription's connection may take before the connection counts
    /// as dead: a reply queues behind every event published before it, and a flood being read
    /// (hundreds of thousands of expirations) can hold it back for seconds — the connection is
    /// busy, not lost.
    public static let replyPatience: Duration = .seconds(30)

    /// How often a server that publishes none of the kinds is asked again.
    public static let recheckInterval: Duration = .seconds(30)

    /// Reads `notify-keyspace-events`, subscribes to the kinds it publishes and stays subscribed
    /// until the task is cancelled (then closes its connection at once: a reply awaited behind a
    /// flood does not hold the cancellation), reporting each change of state.
    public func run(report: @Sendable (State) -> Void) async {
        let current = Mutex<RedisConnection?>(nil)
        await withTaskCancellationHandler {
            await run(report: report, current: current)
        } onCancel: {
            current.withLock { $0?.closeSoon() }
        }
    }

    private func run(report: @Sendable (State) -> Void, current: borrowing Mutex<RedisConnection?>) async {
        let clock = ContinuousClock()
        var failures = 0
        var loss = KeyEventLoss()
        var lossKinds: Set<KeyEventKind> = []
        while !Task.isCancelled {
            let connection: RedisConnection
            do {
                connection = try await RedisConnection.connect(
                    to: endpoint, configuration: enabler?.connectionConfiguration ?? configuration,
                    onPush: { [self] push in deliver(push) },
                    onHandshake: { [ownTraffic] commands in ownTraffic?.add(commands: commands) })
                current.withLock { $0 = connection }
                if Task.isCancelled { connection.closeSoon() }
            } catch {
                failures += 1
                report(.interrupted(reason: "\(error)"))
                do { try await clock.sleep(for: backoff.delay(afterFailures: failures)) } catch { return }
                continue
            }
            let subscribed: Set<KeyEventKind>
            let kinds = kinds.intersection(
                KeyEventKind.publishable(server: connection.hello.server, version: connection.hello.version))
            do {
                ownTraffic?.add(commands: 1)
                let reply = try await connection.send(RESPCommand("CONFIG", "GET", "notify-keyspace-events"))
                var flags = KeyspaceEventFlags(KeyspaceEventsEnabler.configValue(reply) ?? "")
                let requested = kinds.filter { $0.isEnabledOnRequest(beside: flags) }
                if let enabler, !flags.missing(requested).isEmpty {
                    flags = await enable(requested, flags, with: enabler, on: connection, report: report)
                }
                subscribed = flags.published(kinds)
                if subscribed.isEmpty {
                    loss = KeyEventLoss()
                    await connection.close()
                    report(.off(flags, wanted: requested))
                    do { try await clock.sleep(for: Self.recheckInterval) } catch { return }
                    continue
                }
                ownTraffic?.add(commands: 1)
                _ = try await connection.subscribe(
                    subscribed.sorted().map { $0.channel(database: endpoint.database) }, timeout: Self.replyPatience)
                if lossKinds != subscribed {
                    loss = KeyEventLoss()
                    lossKinds = subscribed
                }
                ownTraffic?.add(commands: 2)
                let (serverCount, received) = try await serverCount(of: subscribed, on: connection)
                lossFound(loss.check(serverCount: serverCount, received: received))
            } catch let error as RedisConnectionError where error.isNotAllowed {
                await connection.close()
                report(.refused(reason: "keyspace events need RESP3 (Redis 6+) and SUBSCRIBE: \(error)"))
                return
            } catch let error as RedisServerError {
                await connection.close()
                report(.refused(reason: "keyspace events unavailable: \(error)"))
                return
            } catch {
                await connection.close()
                failures += 1
                report(.interrupted(reason: "\(error)"))
                do { try await clock.sleep(for: backoff.delay(afterFailures: failures)) } catch { return }
                continue
            }
            failures = 0
            report(.subscribed(kinds: subscribed, since: wallClock.now))
            // Held until the server drops it (noticed at once: the server may cut a subscriber
            // that falls behind, and every event until the next subscription is lost) or the task
            // is cancelled. A PING every 5 s notices a silent drop; every 30 s the setting is read
            // again — flags turned off (or on) since start a new subscription.
            var beats = 0
            var changed = false
            while !Task.isCancelled && !changed {
                if await connection.waitForClose(timeout: .seconds(5)) || Task.isCancelled { break }
                beats += 1
                ownTraffic?.add(commands: 1)
                if beats.isMultiple(of: 6) {
                    let reply = try? await connection.send(
                        RESPCommand("CONFIG", "GET", "notify-keyspace-events"), timeout: Self.replyPatience)
                    changed =
                        reply.map {
                            KeyspaceEventFlags(KeyspaceEventsEnabler.configValue($0) ?? "").published(kinds)
                                != subscribed
                        } ?? false
                } else {
                    _ = try? await connection.pipeline([RESPCommand("PING")], timeout: Self.replyPatience)
                }
            }
            await connection.close()
            if Task.isCancelled { return }
            report(
                .interrupted(
                    reason: changed
                        ? "notify-keyspace-events changed" : "the event subscription to \(endpoint) was closed"))
        }
    }

    /// Turns the missing flags on (once per node and run), telling what happened; returns the
    /// setting now in force. A refusal (ACL, a renamed `CONFIG`, a managed service) is one line,
    /// and what the server publishes anyway is still counted.
    private func enable(
        _ kinds: Set<KeyEventKind>, _ flags: KeyspaceEventFlags, with enabler: KeyspaceEventsEnabler,
        on connection: RedisConnection,
        report: (State) -> Void
    ) async -> KeyspaceEventFlags {
        do {
            ownTraffic?.add(commands: 1)
            guard let applied = try await enabler.enable(kinds, current: flags, on: connection, endpoint: endpoint)
            else { return flags }
            report(
                .settingChanged(
                    "--enable-events: notify-keyspace-events on \(endpoint) set to \"\(applied)\" (was \"\(flags)\"); it is put back on exit"
                ))
            return applied
        } catch {
            report(.settingChanged("--enable-events: notify-keyspace-events on \(endpoint) not changed: \(error)"))
            return flags
        }
    }

    /// One push: `message`, its channel, the key.
    private func deliver(_ push: RESPValue) {
        guard case .push(let elements) = push, elements.count == 3,
            elements[0].stringValue == "message", let channel = elements[1].bytes,
            let kind = KeyEventKind(channel: channel), let key = elements[2].bytes
        else { return }
        if kind == .evicted || kind == .expired { evictionsAndExpirations.add(1, ordering: .relaxed) }
        record(kind, key)
    }

    /// `evicted_keys` + `expired_keys` for the kinds subscribed, read on the subscription's own
    /// connection, and the evictions and expirations received when its reply was read: the same
    /// point of the stream. The count is `nil` when another database than the watched one holds
    /// keys (its events are counted by the server, not subscribed to).
    private func serverCount(
        of kinds: Set<KeyEventKind>, on connection: RedisConnection
    ) async throws -> (count: Int64?, received: Int) {
        // The count of events received is taken at `INFO stats`'s own reply, and `INFO keyspace`
        // asked after: any command can make the server evict first (it evicts before running a
        // command while over `maxmemory`), so events published between the two would be counted
        // received yet missing from the server's count read before them.
        let atReply = Atomic<Int>(0)
        let statsReplies = try await connection.pipeline(
            [RESPCommand("INFO", "stats")], timeout: Self.replyPatience,
            atReply: { [self] in atReply.store(evictionsAndExpirations.load(ordering: .relaxed), ordering: .relaxed) })
        let received = atReply.load(ordering: .relaxed)
        let keyspaceReplies = try await connection.pipeline(
            [RESPCommand("INFO", "keyspace")], timeout: Self.replyPatience)
        guard let stats = try? statsReplies.first?.result.get().stringValue,
            let keyspace = try? keyspaceReplies.first?.result.get().stringValue
        else { return (nil, received) }
        let info = InfoSnapshot(parsing: stats + "\r\n" + keyspace)
        guard !info.keyspace.contains(where: { $0.key != endpoint.database && $0.value.keys > 0 }) else {
            return (nil, received)
        }
        var count: Int64 = 0
        if kinds.contains(.evicted) { count += info.stats.evictedKeys ?? 0 }
        if kinds.contains(.expired) { count += info.stats.expiredKeys ?? 0 }
        return (count, received)
    }
}
