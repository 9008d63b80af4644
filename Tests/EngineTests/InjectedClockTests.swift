import Engine
import Fleet
import Foundation
import RESP
import Telemetry
import TestSupport
import Testing

/// Time is injected: every reading the sources deliver, and every step of the engine, carries
/// the configured wall clock's time — none reads the system's.
@Suite("The injected wall clock", .sameOnEveryServer)
struct InjectedClockTests {
    @Test("samples, key batches, the event subscription and the engine's steps are stamped by the injected clock")
    func stamps() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            _ = try await admin.pipeline((0..<200).map { RESPCommand("SET", "price:\($0)", "9.99", "EX", "3600") })
            _ = try await admin.send(RESPCommand("CONFIG", "SET", "notify-keyspace-events", "Ex"))
            await admin.close()
            // A clock decades away from the system's: any stamp from the system's stands out.
            let virtual = VirtualWallClock(Date(timeIntervalSince1970: 4_000_000_000))
            let configuration = FleetConfiguration(
                interval: .milliseconds(200), sampling: KeySamplerConfiguration(keysPerSecond: 1000),
                fixedSampleRate: true, clusterMode: .off, keyEvents: true, keyLifeChecksPerSecond: 20, clock: virtual)
            let (samples, keys, subscribedSince, newest) = try await MonitoringEngine.run(
                targets: [NodeTarget(endpoint: server.endpoint)], configuration: configuration
            ) { engine in
                var samples: [Date] = []
                var keys: [Date] = []
                var since: Date?
                var state = engine.makeState()
                let deadline = ContinuousClock.now + .seconds(20)
                while ContinuousClock.now < deadline, samples.count < 5 || keys.isEmpty || since == nil {
                    virtual.advance(by: 1)
                    let batch = await engine.events.next(before: ContinuousClock.now + .milliseconds(300)) ?? []
                    for event in batch {
                        switch event {
                        case .sample(let sample): samples.append(sample.time)
                        case .keys(_, let found, _, _): keys += found.compactMap(\.observedAt)
                        case .keyEventState(_, .subscribed(_, let subscribed)): since = subscribed
                        default: break
                        }
                    }
                    _ = state.apply(batch, now: engine.clock.now)
                }
                return (samples, keys, since, state.store.nodes.first?.times.last)
            }
            let start = 4_000_000_000.0
            #expect(samples.count >= 5 && samples.allSatisfy { $0.timeIntervalSince1970 >= start }, "\(samples)")
            #expect(!keys.isEmpty && keys.allSatisfy { $0.timeIntervalSince1970 >= start })
            #expect(subscribedSince.map { $0.timeIntervalSince1970 >= start } == true)
            #expect(newest.map { $0 >= start } == true)
        }
    }
}
