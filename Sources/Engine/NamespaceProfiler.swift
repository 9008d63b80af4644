import Foundation
import Metrics
import NIOCore
import RedisClient
import Synchronization
import Telemetry

/// A time-boxed profile of one node's traffic per namespace, from `MONITOR` — an explicit mode
/// (`cachewatch profile`, the dashboard's `P`), never part of watching: the server copies every
/// command to the monitor, which costs it throughput while it is on (measured in
/// BENCHMARKS.md). `MONITOR` runs on a connection of its own, in one window or in short bursts
/// (``ProfileSchedule``), and each line is cut to its command and keys as it arrives
/// (``MonitorLine``): values are never kept, `AUTH` and `HELLO` never counted.
///
/// Misses come from keymiss events when the server publishes them (`notify-keyspace-events`
/// with `E` and `m`: exact; counted on a second connection only while a burst is on), else from
/// the cache-aside pattern (see ``MissSource``). The report says which.
public struct NamespaceProfiler: Sendable {
    /// Why a profile could not run.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// One line.
        public let description: String
    }

    /// The node.
    public let endpoint: Endpoint
    /// Its connection settings (the policy is replaced by ``CommandPolicy/profiling``).
    public let configuration: ConnectionConfiguration
    /// When `MONITOR` is on.
    public let schedule: ProfileSchedule
    /// The cache-aside inference's window (see ``TrafficProfile/refillWindow``).
    public let refillWindow: Double
    /// How long to wait for the keymiss subscription to say whether events are published.
    public var subscriptionPatience: Duration = .seconds(5)
    /// How far behind the server the lines may fall before a burst is ended early: the server
    /// buffers a monitor's output without limit (a monitor is a normal client), so a profile
    /// that cannot keep up would grow the server's memory.
    public var lagLimitSeconds = 1.0

    /// Creates a profiler.
    public init(
        endpoint: Endpoint, configuration: ConnectionConfiguration, schedule: ProfileSchedule, refillWindow: Double = 3
    ) {
        self.endpoint = endpoint
        var configuration = configuration
        configuration.policy = .profiling
        configuration.clientName = "cachewatch-profile"
        self.configuration = configuration
        self.schedule = schedule
        self.refillWindow = refillWindow
    }

    /// Runs the profile and returns what it found, named `node`.
    ///
    /// - Parameters:
    ///   - clock: paces the bursts.
    ///   - wallClock: stamps the profile's start and each line's arrival.
    ///   - progress: called with the seconds elapsed after each burst.
    ///   - shouldStop: checked between bursts and during them: `true` ends the profile early
    ///     with what it has.
    /// - Throws: ``Failure`` when `MONITOR` is refused (ACL, renamed) or the node cannot be
    ///   reached for the first burst.
    public func run<C: Clock<Duration>>(
        node: String, clock: C = ContinuousClock(), wallClock: any WallClock = .system,
        progress: @Sendable (Double) -> Void = { _ in },
        shouldStop: @Sendable () -> Bool = { false }
    ) async throws -> ProfileReport {
        let sink = ProfileSink(TrafficProfile(refillWindow: refillWindow))
        let subscriber = KeyEventSubscriber(
            endpoint: endpoint, configuration: configuration, kinds: [.keymiss],
            record: { kind, key in
                guard kind == .keymiss, sink.monitoring.load(ordering: .relaxed) else { return }
                sink.profile.withLock { $0.addKeyMiss(key) }
            })
        let startedAt = wallClock.now
        let start = clock.now
        return try await withThrowingTaskGroup(of: Void.self, returning: ProfileReport.self) { group in
            group.addTask { await subscriber.run { state in sink.states.withLock { $0.append(state) } } }
            defer { group.cancelAll() }
            // Whether keymiss events are published decides the method: wait for the answer.
            let patience = ContinuousClock.now + subscriptionPatience
            while sink.states.withLock({ $0.isEmpty }) && ContinuousClock.now < patience && !shouldStop() {
                try? await Task.sleep(for: .milliseconds(20))
            }
            var bursts = 0
            for offset in schedule.burstStarts {
                if shouldStop() || Task.isCancelled { break }
                let due = start.advanced(by: .milliseconds(Int64(offset * 1000)))
                if due > clock.now { try? await clock.sleep(until: due, tolerance: nil) }
                if shouldStop() || Task.isCancelled { break }
                do {
                    try await burst(into: sink, clock: clock, wallClock: wallClock, shouldStop: shouldStop)
                    bursts += 1
                } catch let failure as Failure {
                    throw failure
                } catch  where bursts > 0 {
                    continue  // the node went away mid-profile: report what the bursts before saw
                } catch {
                    throw error
                }
                progress(start.duration(to: clock.now).secondsDouble)
            }
            let held = sink.states.withLock { states in
                states.count == 1 && { if case .subscribed = states[0] { true } else { false } }()
            }
            let source: MissSource = held ? .keymissEvents : .cacheAsideInference
            return sink.profile.withLock { profile in
                ProfileReport(
                    node: node, startedAt: startedAt, schedule: schedule, profile: profile, missSource: source)
            }
        }
    }

    /// One burst: connects, turns `MONITOR` on, counts lines for ``ProfileSchedule/burstSeconds``
    /// and closes the connection (the only way to leave `MONITOR` on every version).
    private func burst<C: Clock<Duration>>(
        into sink: ProfileSink, clock: C, wallClock: any WallClock, shouldStop: () -> Bool
    ) async throws {
        let connection = try await RedisConnection.connect(to: endpoint, configuration: configuration)
        do {
            try await connection.monitor { line in
                let parsed = MonitorLine(line.readableBytesView)
                let arrival = wallClock.now.timeIntervalSince1970
                sink.profile.withLock { profile in
                    if let parsed { profile.add(parsed, arrivedAt: arrival) } else { profile.addUnparsed() }
                }
            }
        } catch let error as RedisServerError {
            await connection.close()
            throw Failure(description: "MONITOR refused by \(endpoint): \(error)")
        } catch let error as RedisConnectionError where error.isNotAllowed {
            await connection.close()
            throw Failure(description: "MONITOR is not allowed on this connection: \(error)")
        }
        sink.monitoring.store(true, ordering: .relaxed)
        let opened = clock.now
        let end = opened.advanced(by: .milliseconds(Int64(schedule.burstSeconds * 1000)))
        while clock.now < end && !shouldStop() && !Task.isCancelled && connection.isActive {
            let step = min(clock.now.duration(to: end), .milliseconds(50))
            try? await clock.sleep(for: step, tolerance: nil)
            if sink.profile.withLock({ $0.lagSeconds }) > lagLimitSeconds {
                sink.profile.withLock { $0.cutBurstShort() }
                break
            }
        }
        sink.monitoring.store(false, ordering: .relaxed)
        let seconds = opened.duration(to: clock.now).secondsDouble
        await connection.close()
        sink.profile.withLock { profile in
            profile.addMonitoredTime(seconds)
            profile.endBurst()
        }
    }
}

/// What a profile's connections share: the tally, whether a burst is on (keymiss events count
/// only then) and the keymiss subscription's states.
private final class ProfileSink: Sendable {
    let profile: Mutex<TrafficProfile>
    let monitoring = Atomic<Bool>(false)
    let states = Mutex<[KeyEventSubscriber.State]>([])

    init(_ profile: TrafficProfile) { self.profile = Mutex(profile) }
}
