import Foundation
import RESP
import RedisClient
import Synchronization
import Telemetry
import TestSupport
import Testing

/// cachewatch's own lookups of keys that are gone make keymiss events like the application's;
/// they are noted as they are made and claimed when their events arrive, so a namespace's misses
/// are the application's only.
@Suite("Our own keymiss events", .serialized)
struct OwnKeyMissTests {
    @Test("each expected miss claims one event of its key, no more; those taken back and other keys are not claimed")
    func claims() {
        let own = OwnTraffic()
        own.expectMisses([Array("ghost:1".utf8): 2, Array("ghost:2".utf8): 1, Array("hit:1".utf8): 2])
        own.cancelMisses([Array("hit:1".utf8): 2])
        #expect(own.claimMiss(Array("ghost:1".utf8)) && own.claimMiss(Array("ghost:1".utf8)))
        #expect(!own.claimMiss(Array("ghost:1".utf8)), "two noted, the third event is the application's")
        #expect(own.claimMiss(Array("ghost:2".utf8)))
        #expect(!own.claimMiss(Array("user:7".utf8)))
        #expect(!own.claimMiss(Array("hit:1".utf8)), "its lookups found it: taken back")
        // Bounded: the oldest noted keys are forgotten past 4,096.
        own.expectMisses([Array("old".utf8): 1])
        own.expectMisses(Dictionary(uniqueKeysWithValues: (0..<5_000).map { (Array("k:\($0)".utf8), 1) }))
        #expect(!own.claimMiss(Array("old".utf8)))
    }

    @Test("a key noted again keeps its new expectation when its first note is forgotten")
    func notedAgain() {
        let own = OwnTraffic()
        let hot = Array("price:1".utf8)
        own.expectMisses([hot: 2])
        own.cancelMisses([hot: 2])  // found
        own.expectMisses([Array("k:first".utf8): 1])
        own.expectMisses(Dictionary(uniqueKeysWithValues: (0..<4_094).map { (Array("k:\($0)".utf8), 1) }))
        own.expectMisses([hot: 1])  // sampled again: its lookup is in flight
        own.expectMisses([Array("k:last".utf8): 1])  // past 4,096 notes: the two oldest are forgotten
        #expect(own.claimMiss(hot), "the newer note still answers for its event")
        #expect(!own.claimMiss(Array("k:first".utf8)), "the oldest noted key is forgotten")
        #expect(own.claimMiss(Array("k:last".utf8)))
    }

    /// The keymiss events a server publishes, per key, while `body` runs (until a miss of
    /// `marker`, sent last, arrives: everything before it has been published).
    /// With `claimedBy`, each event is offered to it as it arrives (as the engine does) and only
    /// those it does not claim are returned.
    private static func keymisses(
        on server: RedisServer, claimedBy own: OwnTraffic? = nil, _ body: (RedisConnection) async throws -> Void
    ) async throws -> [String: Int] {
        let events = Locked<[String: Int]>([:])
        let subscribed = Locked(false)
        let subscriber = KeyEventSubscriber(
            endpoint: server.endpoint, configuration: ConnectionConfiguration(), kinds: [.keymiss],
            record: { kind, key in
                guard kind == .keymiss, own?.claimMiss(key) != true else { return }
                events.withLock { $0[String(decoding: key, as: UTF8.self), default: 0] += 1 }
            })
        let client = try await server.client()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await subscriber.run { state in
                    if case .subscribed = state { subscribed.withLock { $0 = true } }
                }
            }
            defer { group.cancelAll() }
            #expect(try await eventually { subscribed.withLock { $0 } })
            try await body(client)
            _ = try await client.send(RESPCommand("GET", "marker"))
            #expect(try await eventually { events.withLock { $0["marker"] != nil } })
        }
        await client.close()
        return events.withLock { $0 }
    }

    @Test("the server publishes a keymiss for TYPE, PTTL and each length command of a missing key, none for OBJECT")
    func serverEvents() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Em"]) { server in
            let events = try await Self.keymisses(on: server) { client in
                _ = try await client.pipeline([
                    RESPCommand("TYPE", "ghost"), RESPCommand("PTTL", "ghost"),
                    RESPCommand("OBJECT", "IDLETIME", "ghost"),
                    RESPCommand("OBJECT", "FREQ", "ghost"),
                ])
                _ = try await client.pipeline(
                    ["STRLEN", "LLEN", "HLEN", "SCARD", "ZCARD", "XLEN"].map { RESPCommand($0, "gone") })
            }
            // What the sampler notes for a key gone between SCAN and its metadata, and between
            // its metadata and its length.
            #expect(events["ghost"] == 2, "\(events)")
            #expect(events["gone"] == 6, "\(events)")
        }
    }

    @Test("keys a writer deletes while the sampler reads them: every keymiss event of ours is claimed")
    func churnClaimed() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Em"]) { server in
            let own = OwnTraffic()
            let connection = ManagedConnection(endpoint: server.endpoint, configuration: ConnectionConfiguration())
            var configuration = KeySamplerConfiguration.fullScan
            configuration.scanCount = 50
            let sampler = KeySampler(connection: connection, configuration: configuration, ownTraffic: own)
            let writer = try await server.client()
            let names = (0..<200).map { "churn:\($0)" }
            let sets = names.enumerated().map { index, name in
                index % 2 == 0
                    ? RESPCommand("SET", name, "v\(index)", "EX", "600") : RESPCommand("RPUSH", name, "a", "b")
            }
            let stop = Locked(false)
            let before = own.current.misses
            // Claimed as they arrive, as the engine does: what is left is what we failed to expect.
            let unclaimed = try await Self.keymisses(on: server, claimedBy: own) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // The writer only writes and deletes; the application never reads: every
                    // keymiss on churn:* is one of the sampler's lookups.
                    group.addTask {
                        while !stop.withLock({ $0 }) {
                            _ = try await writer.pipeline(sets)
                            _ = try await writer.pipeline(names.map { RESPCommand("DEL", $0) })
                        }
                    }
                    let clock = ContinuousClock()
                    let end = clock.now + .seconds(3)
                    while clock.now < end { _ = try await sampler.nextBatch() }
                    stop.withLock { $0 = true }
                    try await group.waitForAll()
                }
            }.filter { $0.key.hasPrefix("churn:") }
            let missed = own.current.misses - before
            #expect(missed > 100, "the sampler met deleted keys: \(missed) misses")
            #expect(
                unclaimed.isEmpty, "\(unclaimed.values.reduce(0, +)) events not claimed: \(Array(unclaimed.prefix(5)))")
            await writer.close()
            await connection.close()
        }
    }

    @Test("keys deleted under a key-life tracker: its PTTLs miss, and their events are claimed as ours")
    func trackerMissesClaimed() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Em"]) { server in
            let own = OwnTraffic()
            let connection = ManagedConnection(endpoint: server.endpoint, configuration: ConnectionConfiguration())
            let tracker = KeyLifeTracker(connection: connection, checksPerSecond: 20, ownTraffic: own)
            let ends = Locked(0)
            let admin = try await server.client()
            let names = (0..<10).map { "ghost:\($0)" }
            _ = try await admin.pipeline(names.map { RESPCommand("SET", $0, "v", "EX", "60") })
            tracker.offer(
                names.map { KeyMetadata(name: Array($0.utf8), type: "string", ttlMilliseconds: 60_000) },
                namespace: { _ in "ghost:*" })
            _ = try await admin.pipeline(names.map { RESPCommand("DEL", $0) })
            let unclaimed = Locked(0)
            let events = try await Self.keymisses(on: server) { _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await tracker.run(report: { report in ends.withLock { $0 += report.ends.count } }) }
                    defer { group.cancelAll() }
                    // The first probes come 2 s after the keys were offered: all ten find their key gone.
                    let allEnded = try await eventually(timeout: .seconds(10)) { ends.withLock { $0 } == 10 }
                    #expect(allEnded, "\(ends.withLock { $0 }) ends")
                }
            }
            for name in names {
                for _ in 0..<(events[name] ?? 0) where !own.claimMiss(Array(name.utf8)) {
                    unclaimed.withLock { $0 += 1 }
                }
            }
            #expect(names.allSatisfy { events[$0] == 1 }, "one PTTL each found its key gone: \(events)")
            #expect(unclaimed.withLock { $0 } == 0, "every event of ours is claimed")
            #expect(own.current.misses == 10)
            await admin.close()
            await connection.close()
        }
    }
}
