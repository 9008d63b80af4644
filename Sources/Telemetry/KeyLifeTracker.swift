import Foundation
import RESP
import RedisClient
import Synchronization

/// Finds out how a node's keys end — expired, removed early, overwritten — without any server
/// configuration: keys offered by the sampler are tracked (``KeyLifeSchedule``, bounded per
/// namespace, in all and by the budget) and checked with `PTTL` on a budget, pipelined on the
/// connection it is given (the sampler's).
///
/// `PTTL` is O(1), read-only and does not touch the key's LRU/LFU data; at the default budget of
/// 20 checks a second it costs the server a few microseconds a second. The lookups are counted
/// as cachewatch's own traffic, so hit ratios leave them out, and the keymiss events of those
/// that find their key gone are claimed as ours (``OwnTraffic/claimMiss(_:)``).
public final class KeyLifeTracker: Sendable {
    /// What a round of checks found.
    public struct Report: Sendable {
        /// The ends seen.
        public var ends: [KeyLifeSchedule.End]
        /// Keys tracked per namespace now.
        public var tracked: [String: Int]
        /// Per namespace, how long its tracked keys were watched since the last report (the
        /// spans the checks covered): the exposure to evictions.
        public var watchedSeconds: [String: Double]

        /// Creates a report.
        public init(ends: [KeyLifeSchedule.End], tracked: [String: Int], watchedSeconds: [String: Double] = [:]) {
            self.ends = ends
            self.tracked = tracked
            self.watchedSeconds = watchedSeconds
        }
    }

    private struct State {
        var schedule: KeyLifeSchedule
        /// The largest TTL seen per namespace among sampled keys (milliseconds): the TTL keys
        /// are written with, which dates a key first seen partway through its life.
        var fullTTL: [String: Int64] = [:]
    }

    /// `PTTL` checks per second at most.
    public let checksPerSecond: Int
    private let connection: ManagedConnection
    private let ownTraffic: OwnTraffic?
    private let clock: any WallClock
    private let state: Mutex<State>

    /// Creates a tracker; nothing is sent until ``run(report:)``. `clock` stamps the checks.
    public init(
        connection: ManagedConnection, checksPerSecond: Int = 20, perNamespace: Int = 20, capacity: Int = 2_000,
        ownTraffic: OwnTraffic? = nil, clock: any WallClock = .system
    ) {
        self.clock = clock
        self.connection = connection
        self.checksPerSecond = max(1, checksPerSecond)
        self.ownTraffic = ownTraffic
        state = Mutex(
            State(
                schedule: KeyLifeSchedule(
                    perNamespace: perNamespace, capacity: capacity, checksPerSecond: Double(self.checksPerSecond))))
    }

    /// Offers sampled keys for tracking (`namespace` names each key's namespace).
    public func offer(_ keys: [KeyMetadata], now: Date? = nil, namespace: ([UInt8]) -> String) {
        let now = now ?? clock.now
        state.withLock { state in
            for key in keys {
                guard let ttl = key.ttlMilliseconds, ttl > 0 else { continue }
                let name = namespace(key.name)
                state.fullTTL[name] = max(state.fullTTL[name] ?? 0, ttl)
                state.schedule.offer(key, namespace: name, now: now)
            }
        }
    }

    /// Checks the keys as they fall due, at most ``checksPerSecond``, until the task is
    /// cancelled; hands each round's ends (and the keys tracked) to `report`. A refused `PTTL`
    /// (ACL) ends the tracking with one report of the reason through `refused`.
    public func run(report: @Sendable (Report) -> Void, refused: @Sendable (String) -> Void = { _ in }) async {
        let pacing = ContinuousClock()
        let round: Duration = .milliseconds(250)
        let perRound = max(1, checksPerSecond / 4)
        while !Task.isCancelled {
            let now = self.clock.now
            let due = state.withLock { $0.schedule.due(now: now, limit: perRound) }
            if due.isEmpty {
                do { try await pacing.sleep(for: round) } catch { return }
                continue
            }
            ownTraffic?.add(commands: due.count)
            let commands = due.map { RESPCommand(bytes: [Array("PTTL".utf8), $0.name]) }
            if let slotWork = ownTraffic?.slotWork, slotWork.isTracking {
                slotWork.add(commands.map { ($0.arguments[1], 1, $0.encodedLength) })
            }
            // A PTTL of a key gone publishes a keymiss, which may arrive before the reply does.
            let expected = Dictionary(due.map { ($0.name, 1) }, uniquingKeysWith: +)
            ownTraffic?.expectMisses(expected)
            let replies: [PipelineReply]
            do {
                replies = try await connection.pipeline(commands)
            } catch let error as RedisConnectionError where error.isNotAllowed {
                ownTraffic?.add(commands: -due.count)  // never sent
                ownTraffic?.cancelMisses(expected)
                refused("key-life tracking off: \(error)")
                return
            } catch {
                ownTraffic?.cancelMisses(expected)
                // The connection recovers with backoff; the keys stay due.
                do { try await pacing.sleep(for: .seconds(1)) } catch { return }
                continue
            }
            let checkedAt = self.clock.now
            var hits = 0
            var misses = 0
            var found: [[UInt8]: Int] = [:]
            var refusedCount = 0
            var ends: [KeyLifeSchedule.End] = []
            var refusal: String?
            let (tracked, watched) = state.withLock { state -> ([String: Int], [String: Double]) in
                for (key, reply) in zip(due, replies) {
                    switch reply.result {
                    case .success(let value):
                        guard case .integer(let pttl) = value.withoutAttributes else {
                            state.schedule.stopTracking(key.name)
                            found[key.name, default: 0] += 1
                            continue
                        }
                        if pttl == -2 {
                            misses += 1
                        } else {
                            hits += 1
                            found[key.name, default: 0] += 1
                        }
                        if let end = state.schedule.record(
                            key.name, pttl: pttl, now: checkedAt, fullTTLMilliseconds: state.fullTTL[key.namespace])
                        {
                            ends.append(end)
                        }
                    case .failure(let error):
                        refusal = "key-life tracking off: PTTL refused (\(error))"
                        refusedCount += 1
                        found[key.name, default: 0] += 1  // refused: no lookup, no event
                        state.schedule.stopTracking(key.name)
                    }
                }
                return (state.schedule.trackedPerNamespace, state.schedule.takeWatchedSeconds())
            }
            ownTraffic?.add(commands: 0, hits: hits, misses: misses)
            ownTraffic?.cancelMisses(found)
            ownTraffic?.refused(refusedCount)
            report(Report(ends: ends, tracked: tracked, watchedSeconds: watched))
            if let refusal {
                refused(refusal)
                return
            }
            do { try await pacing.sleep(for: round) } catch { return }
        }
    }
}
