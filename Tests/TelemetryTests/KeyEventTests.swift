import Foundation
import Metrics
import RESP
import RedisClient
import Synchronization
import Telemetry
import TestSupport
import Testing

/// Keyspace events counted per namespace from a real server's keyevent channels.
@Suite("Keyspace events per namespace", .serialized)
struct KeyEventTests {
    /// Subscribes `counter` to `server`'s events while `body` runs; returns the states reported.
    private static func subscribed(
        to server: RedisServer, counter: KeyEventCounter, _ body: () async throws -> Void
    ) async throws -> [KeyEventSubscriber.State] {
        let states = Locked<[KeyEventSubscriber.State]>([])
        let subscriber = KeyEventSubscriber(
            endpoint: server.endpoint, configuration: ConnectionConfiguration(), kinds: Set(KeyEventKind.allCases),
            record: { counter.record($0, key: $1) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await subscriber.run { state in
                    if case .subscribed(_, let since) = state { counter.restart(now: since) }
                    states.withLock { $0.append(state) }
                }
            }
            defer { group.cancelAll() }
            #expect(
                try await eventually {
                    states.withLock { $0.contains { if case .subscribed = $0 { true } else { false } } }
                }, "never subscribed: \(states.withLock { $0 })")
            try await body()
        }
        return states.withLock { $0 }
    }

    private static func evictedKeys(_ admin: RedisConnection) async throws -> Int64 {
        let text = try await admin.send(RESPCommand("INFO", "stats")).stringValue ?? ""
        return InfoSnapshot(parsing: text).stats.evictedKeys ?? -1
    }

    @Test("evictions per namespace add up to the server's evicted_keys; misses equal what the client missed")
    func evictionsAndMisses() async throws {
        try await withRedisServer([
            "--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru", "--notify-keyspace-events", "Exem",
        ]) { server in
            let admin = try await server.client()
            let counter = KeyEventCounter(now: Date())
            var total = KeyEventCounter.Tally(counts: [:], since: Date(), until: Date(), isComplete: true)
            let states = try await Self.subscribed(to: server, counter: counter) {
                let evictedBefore = try await Self.evictedKeys(admin)
                // Sessions, then filler writes that push them (and each other) out.
                for chunk in 0..<40 {
                    let commands = (0..<500).map { index -> RESPCommand in
                        let id = chunk * 500 + index
                        return id % 4 == 0
                            ? RESPCommand("SET", "session:\(id)", String(repeating: "s", count: 200))
                            : RESPCommand("SET", "filler:\(id)", String(repeating: "f", count: 400))
                    }
                    _ = try await admin.pipeline(commands)
                }
                // Misses: 30 in price:*, 70 in user:*:cart.
                let misses =
                    (0..<30).map { RESPCommand("GET", "price:missing:\($0)") }
                    + (0..<70).map { RESPCommand("GET", "user:\($0):cart") }
                _ = try await admin.pipeline(misses)
                let evicted = try await Self.evictedKeys(admin) - evictedBefore
                #expect(evicted > 1000, "the test must evict: \(evicted)")
                // Every event published before this PING on the admin connection has been sent
                // to the subscriber; wait until the counter has them all.
                _ = try await admin.send(RESPCommand("PING"))
                let all = try await eventually(timeout: .seconds(10)) {
                    if let tally = counter.take(now: Date()) {
                        for (namespace, kinds) in tally.counts {
                            total.counts[namespace, default: [:]].merge(kinds, uniquingKeysWith: +)
                        }
                    }
                    return total.total(.evicted) >= evicted && total.total(.keymiss) >= 100
                }
                #expect(
                    all, "evicted \(evicted), counted \(total.total(.evicted)); misses counted \(total.total(.keymiss))"
                )
                #expect(total.total(.evicted) == evicted)
            }
            #expect(!states.contains { if case .interrupted = $0 { true } else { false } }, "\(states)")
            let sessions = total.counts["session:*"]?[.evicted] ?? 0
            let filler = total.counts["filler:*"]?[.evicted] ?? 0
            #expect(sessions > 0 && filler > 0, "\(total.counts)")
            #expect(sessions + filler == total.total(.evicted), "only these two namespaces were written")
            #expect(total.counts["price:missing:*"]?[.keymiss] == 30, "\(total.counts)")
            #expect(total.counts["user:*:cart"]?[.keymiss] == 70, "\(total.counts)")
            await admin.close()
        }
    }

    @Test("events off: the state says so, with the command that adds the missing flags to the current ones")
    func off() async throws {
        try await withRedisServer(["--notify-keyspace-events", "Kg"]) { server in
            let states = Locked<[KeyEventSubscriber.State]>([])
            let subscriber = KeyEventSubscriber(
                endpoint: server.endpoint, configuration: ConnectionConfiguration(), kinds: Set(KeyEventKind.allCases),
                record: { _, _ in })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await subscriber.run { state in states.withLock { $0.append(state) } } }
                defer { group.cancelAll() }
                let reported = try await eventually { !states.withLock { $0 }.isEmpty }
                #expect(reported)
            }
            let first = try #require(states.withLock { $0.first })
            guard case .off(let flags, let wanted) = first else {
                Issue.record("expected off, got \(first)")
                return
            }
            // What the server can publish: new keys from Redis 7.0 (and Valkey), overwrites from 8.2.
            let probe = try await RedisConnection.connect(to: server.endpoint)
            let hello = probe.hello
            await probe.close()
            #expect(
                wanted
                    == KeyEventKind.publishable(server: hello.server, version: hello.version).filter {
                        $0.isEnabledOnRequest(beside: flags)
                    })
            #expect(wanted.isSuperset(of: [.evicted, .expired, .deleted, .keymiss]) && !wanted.contains(.created))
            let optional = wanted.contains(.overwritten) ? "o" : ""
            #expect(flags.enablingCommand(wanted) == "CONFIG SET notify-keyspace-events gKEex\(optional)m")
        }
    }

    @Test("the flags: A covers evictions, expirations and deletions, not overwrites, new keys or misses; E is needed")
    func flags() {
        let all = Set(KeyEventKind.allCases)
        #expect(KeyspaceEventFlags("").published(all).isEmpty)
        #expect(KeyspaceEventFlags("AE").published(all) == [.evicted, .expired, .deleted])
        #expect(KeyspaceEventFlags("AK").published(all).isEmpty, "keyspace channels only")
        #expect(KeyspaceEventFlags("AE").adding(all).text == "AEonm")
        #expect(KeyspaceEventFlags("").adding(all).text == "Eexgonm")
        #expect(KeyspaceEventFlags("Ex").adding([.expired]).text == "Ex")
        #expect(KeyspaceEventFlags("Exg").published(all) == [.expired, .deleted])
    }

    @Test("asked for on request: never new keys, overwrites only where the setting has no A (8.2 hides o beside A)")
    func requested() {
        let all = KeyEventKind.allCases
        #expect(all.filter { $0.isEnabledOnRequest(beside: KeyspaceEventFlags("")) } == [
            .evicted, .expired, .deleted, .overwritten, .keymiss,
        ])
        #expect(all.filter { $0.isEnabledOnRequest(beside: KeyspaceEventFlags("AKE")) } == [
            .evicted, .expired, .deleted, .keymiss,
        ])
        #expect(KeyspaceEventFlags("gxeoKE").published([.overwritten]) == [.overwritten])
    }

    @Test("which kinds a server can publish: new keys from Redis 7.0 and in Valkey, overwrites from Redis 8.2")
    func publishable() {
        let base: Set<KeyEventKind> = [.evicted, .expired, .deleted, .keymiss]
        #expect(KeyEventKind.publishable(server: "redis", version: "6.2.14") == base)
        #expect(KeyEventKind.publishable(server: "redis", version: "7.0.15") == base.union([.created]))
        #expect(KeyEventKind.publishable(server: "redis", version: "8.0.2") == base.union([.created]))
        #expect(KeyEventKind.publishable(server: "redis", version: "8.2.3") == base.union([.created, .overwritten]))
        #expect(KeyEventKind.publishable(server: "redis", version: "10.0.0") == Set(KeyEventKind.allCases))
        #expect(KeyEventKind.publishable(server: "valkey", version: "8.1.4") == base.union([.created]))
        #expect(KeyEventKind.publishable(server: nil, version: nil) == base)
        #expect(KeyEventKind(channel: Array("__keyevent@0__:del".utf8)) == .deleted)
        #expect(KeyEventKind(channel: Array("__keyevent@3__:new".utf8)) == .created)
    }

    @Test("the counter folds namespaces past its cap into (other) and keeps no table growth")
    func cap() {
        let counter = KeyEventCounter(namespaceCap: 3, now: Date())
        counter.restart(now: Date(timeIntervalSince1970: 0))
        let families = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        for index in 0..<1000 { counter.record(.expired, key: Array("\(families[index % 10]):\(index)".utf8)) }
        let tally = counter.take(now: Date(timeIntervalSince1970: 2))
        #expect(tally?.counts.count == 4, "three namespaces and (other): \(String(describing: tally?.counts))")
        #expect(tally?.total(.expired) == 1000)
        #expect((tally?.counts[KeyEventCounter.otherNamespace]?[.expired] ?? 0) > 0)
        #expect(tally?.ratesPerSecond(.expired).values.reduce(0, +) == 500)
        // The first interval began before the subscription: a gap; the next ones are whole.
        #expect(tally?.isComplete == false)
        #expect(counter.take(now: Date(timeIntervalSince1970: 4))?.isComplete == true)
        counter.stop()
        #expect(counter.take(now: Date(timeIntervalSince1970: 5)) == nil, "nothing while not subscribed")
    }
}
