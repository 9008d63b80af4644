import Foundation
import RESP
import RedisClient
import Synchronization
import Telemetry

/// Follows a Sentinel group until cancelled: the sentinels are asked again every topology
/// interval, at once when one of them publishes `+switch-master` for the group (a subscription
/// held on the first sentinel that takes it), and at once when the primary stops answering.
struct SentinelFollower: Sendable {
    let discovery: SentinelDiscovery
    let configuration: FleetConfiguration
    /// Told when the primary's poll fails.
    let wake: AsyncStream<Void>

    /// The `+switch-master` channel: the only one subscribed to.
    static let switchChannel = "+switch-master"

    /// Runs until cancelled, handing each group read (or, when none could be, a notice) to
    /// `report`; closes every connection it opened before returning.
    func run(report: @escaping @Sendable (SentinelGroup?, String?) -> Void) async {
        // Every reason to ask again goes into one stream, read by one loop: the interval's
        // ticks, `+switch-master` messages, the primary's failed polls.
        let (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask { await subscribe(signal: wakeup) }
            group.addTask {
                for await _ in wake { wakeup.yield() }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: configuration.topologyInterval) } catch { break }
                    wakeup.yield()
                }
                wakeup.finish()
            }
            group.addTask {
                var failing = false
                for await _ in wakeups {
                    if Task.isCancelled { break }
                    do {
                        report(try await discovery.read(), nil)
                        failing = false
                    } catch {
                        if !failing { report(nil, "sentinel: \(error); keeping the last known group") }
                        failing = true
                    }
                }
            }
        }
        await discovery.close()
    }

    /// Holds a `SUBSCRIBE +switch-master` on the first sentinel that takes it (the next one
    /// when it drops), signalling each message about this group.
    private func subscribe(signal: AsyncStream<Void>.Continuation) async {
        let clock = ContinuousClock()
        let current = Mutex<RedisConnection?>(nil)
        let name = discovery.masterName
        await withTaskCancellationHandler {
            var failures = 0
            while !Task.isCancelled {
                for endpoint in discovery.sentinels where !Task.isCancelled {
                    do {
                        let connection = try await RedisConnection.connect(
                            to: endpoint, configuration: configuration.connection,
                            onPush: { push in
                                // ["message", "+switch-master", "<name> <old-ip> <old-port> <new-ip> <new-port>"]
                                guard let parts = push.elements, parts.count == 3,
                                    parts[0].stringValue == "message", let text = parts[2].stringValue,
                                    text.split(separator: " ").first.map(String.init) == name
                                else { return }
                                signal.yield()
                            })
                        current.withLock { $0 = connection }
                        if Task.isCancelled { connection.closeSoon() }
                        _ = try await connection.subscribe([Self.switchChannel], timeout: .seconds(5))
                        failures = 0
                        // Held until the sentinel drops it; a PING every 5 s notices a silent drop.
                        while !Task.isCancelled {
                            if await connection.waitForClose(timeout: .seconds(5)) { break }
                        }
                        await connection.close()
                    } catch {
                        current.withLock { $0?.closeSoon() }
                    }
                }
                failures += 1
                try? await clock.sleep(for: ReconnectBackoff().delay(afterFailures: failures))
            }
        } onCancel: {
            current.withLock { $0?.closeSoon() }
        }
    }
}
