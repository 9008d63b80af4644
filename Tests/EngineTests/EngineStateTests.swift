import Alerts
import Engine
import Fleet
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

/// The engine's one step, without a server: events in, store, key figures, alert events and
/// notices out, with the clock injected.
@Suite("The engine's step", .sameOnEveryServer)
struct EngineStateTests {
    /// A node with `hits` and `misses` so far (counters), polled at `time`.
    private static func poll(_ node: String, _ time: Double, hits: Int64, misses: Int64) -> FleetEvent {
        .sample(
            NodeReading.sample(
                node, time,
                NodeReading.make(
                    role: "master", cluster: false, commands: hits + misses, hits: hits, misses: misses, used: 1000,
                    keys: 10)))
    }

    private static let lowHitRatio = AlertRule(
        name: "HitRatioLow", condition: AlertCondition(metric: .metric(.hitRatio), .below, 0.5),
        severity: .critical)

    @Test("samples go into the store; the rules run once a batch, at its newest sample, on the nodes that reported")
    func evaluatesPerBatch() {
        var state = EngineState(rules: [Self.lowHitRatio])
        let start = 1_800_000_000.0
        var outcome = state.apply(
            [Self.poll("a", start, hits: 0, misses: 0), Self.poll("b", start, hits: 0, misses: 0)],
            now: Date(timeIntervalSince1970: start))
        #expect(outcome.samples.count == 2 && outcome.evaluated && outcome.alertEvents.isEmpty)
        // a: 10 hits and 90 misses in the second; b: all hits. One batch, two polls of a.
        outcome = state.apply(
            [
                Self.poll("a", start + 1, hits: 5, misses: 45), Self.poll("b", start + 1, hits: 100, misses: 0),
                Self.poll("a", start + 2, hits: 10, misses: 90),
            ], now: Date(timeIntervalSince1970: start + 2))
        #expect(outcome.alertEvents.map(\.alert.identity) == ["HitRatioLow{node=a}"])
        #expect(outcome.alertEvents.first?.time == Date(timeIntervalSince1970: start + 2), "at the newest sample")
        #expect(state.store["a"]?.times.count == 3)
        #expect(state.ruleEngine.firing.count == 1)
        // A batch without samples evaluates nothing; one with b only leaves a's alert alone.
        outcome = state.apply([.notice("hello")], now: Date(timeIntervalSince1970: start + 3))
        #expect(!outcome.evaluated && outcome.notices == ["hello"] && !outcome.changedAnything)
        outcome = state.apply(
            [Self.poll("b", start + 3, hits: 200, misses: 0)], now: Date(timeIntervalSince1970: start + 3))
        #expect(outcome.alertEvents.isEmpty && state.ruleEngine.firing.count == 1)
        #expect(state.recentEvents.count == 1)
    }

    @Test(
        "a profile's figures become the node's namespace metrics; LowNamespaceHitRatio names the namespace with real traffic"
    )
    func profile() throws {
        let rule = try #require(DefaultRules.rules.first { $0.name == "LowNamespaceHitRatio" })
        var state = EngineState(rules: [rule])
        let start = 1_800_000_000.0
        _ = state.apply([Self.poll("a", start, hits: 0, misses: 0)], now: Date(timeIntervalSince1970: start))
        var traffic = TrafficProfile()
        func line(_ time: Double, _ words: String) -> MonitorLine {
            MonitorLine(Array("\(time) [0 c:1] \(words)".utf8))!
        }
        // search: 20 reads, 16 refilled (0.2); user: 20 reads, none refilled; rare: 1 read, refilled.
        for index in 0..<20 {
            traffic.add(line(Double(index), "\"GET\" \"search:\(index)\""))
            if index >= 4 { traffic.add(line(Double(index), "\"SET\" \"search:\(index)\" \"v\"")) }
            traffic.add(line(Double(index), "\"GET\" \"user:\(index)\""))
        }
        traffic.add(line(30, "\"GET\" \"rare:1\""))
        traffic.add(line(30, "\"SET\" \"rare:1\" \"v\""))
        traffic.addMonitoredTime(10)
        state.apply(
            profile: ProfileReport(
                node: "a", startedAt: Date(timeIntervalSince1970: start), schedule: .window(10), profile: traffic,
                missSource: .cacheAsideInference))
        #expect(abs((state.store["a"]?.value(.namespaceHitRatio, instance: "search:*") ?? 0) - 0.2) < 1e-9)
        #expect(state.store["a"]?.value(.namespaceHitRatio, instance: "user:*") == 1)
        #expect(state.store["a"]?.value(.namespaceReadsPerSec, instance: "search:*") == 2)
        #expect(state.node("a")?.profile?.missSource == .cacheAsideInference)
        let outcome = state.apply(
            [Self.poll("a", start + 1, hits: 1, misses: 0)], now: Date(timeIntervalSince1970: start + 1))
        // rare:* hits 0 but reads 0.1/s: too little traffic to call.
        #expect(outcome.alertEvents.map(\.alert.identity) == ["LowNamespaceHitRatio{namespace=search:*,node=a}"])
    }

    @Test(
        "a node that leaves the cluster drops its one entry whole (series, samples, profile), and its firing alert resolves"
    )
    func nodeRemoved() {
        var state = EngineState(rules: [Self.lowHitRatio])
        let start = 1_800_000_000.0
        _ = state.apply(
            [Self.poll("a", start, hits: 0, misses: 0), Self.poll("b", start, hits: 0, misses: 0)], now: Date())
        let key = KeyMetadata(name: Array("k:1".utf8), type: "string", ttlMilliseconds: 60_000, memoryBytes: 100)
        _ = state.apply([.keys(node: "a", keys: [key], finishedPass: true, unavailable: [:])], now: Date())
        state.apply(
            profile: ProfileReport(
                node: "a", startedAt: Date(timeIntervalSince1970: start), schedule: .window(10),
                profile: TrafficProfile(), missSource: .cacheAsideInference))
        #expect(state.node("a")?.sampling != nil && state.node("a")?.profile != nil)
        let fired = state.apply(
            [Self.poll("a", start + 1, hits: 0, misses: 100), Self.poll("b", start + 1, hits: 100, misses: 0)],
            now: Date())
        #expect(fired.alertEvents.map(\.kind) == [.firing])
        let removed = state.apply(
            [.nodeRemoved("a"), Self.poll("b", start + 2, hits: 200, misses: 0)],
            now: Date(timeIntervalSince1970: start + 2))
        #expect(removed.topologyChanged)
        #expect(state.store["a"] == nil && state.store.nodeNames == ["b"])
        #expect(state.node("a") == nil && state.sampling(of: "a") == nil, "nothing of the node is left")
        #expect(state.store.records.map(\.node) == ["b"], "one entry per node, the leaver's gone")
        #expect(removed.alertEvents.map(\.kind) == [.resolved])
        #expect(state.ruleEngine.firing.isEmpty)
    }

    @Test("what is known of a node before its first poll is kept in its entry; it is listed once it reports")
    func stateBeforeFirstPoll() {
        var state = EngineState()
        let start = 1_800_000_000.0
        let subscribed = KeyEventSubscriber.State.subscribed(
            kinds: [.evicted], since: Date(timeIntervalSince1970: start))
        _ = state.apply([.keyEventState(node: "a", subscribed)], now: Date(timeIntervalSince1970: start))
        #expect(state.node("a")?.keyEvents == subscribed)
        #expect(state.store.nodeNames.isEmpty && state.store["a"] == nil, "no series before a poll")
        _ = state.apply([Self.poll("a", start + 1, hits: 1, misses: 0)], now: Date(timeIntervalSince1970: start + 1))
        #expect(state.store.nodeNames == ["a"] && state.store["a"]?.count == 1)
        #expect(state.node("a")?.keyEvents == subscribed, "the subscription's state is the same entry's")
        #expect(state.store.records.count == 1)
    }

    @Test("key batches feed the node's model, stamped with its last poll (the injected clock before any)")
    func keyBatches() throws {
        var state = EngineState(databases: ["a": 0])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let keys = (0..<50).map { index in
            KeyMetadata(
                name: Array("session:\(index)".utf8), type: "string", ttlMilliseconds: 60_000, memoryBytes: 100,
                observedAt: now)
        }
        let refused: [SamplerPart: String] = [
            .memory: "MEMORY USAGE denied (NOPERM)", .lengths: "the sampler's choice",
        ]
        var outcome = state.apply(
            [.keys(node: "a", keys: keys, finishedPass: true, unavailable: refused)], now: now)
        #expect(outcome.keysChanged)
        #expect(outcome.notices == ["key sampling on a: MEMORY USAGE denied (NOPERM)"], "refusals only, once")
        let sampling = try #require(state.sampling(of: "a"))
        #expect(sampling.model.keysRecorded == 50)
        outcome = state.apply([.keys(node: "a", keys: keys, finishedPass: true, unavailable: refused)], now: now)
        #expect(outcome.notices.isEmpty, "a refusal is told once")
    }

    @Test("topology changes are told once each; the recent-events ring keeps the newest")
    func topologyAndRing() {
        var state = EngineState(rules: [Self.lowHitRatio], recentEventLimit: 3)
        let start = 1_800_000_000.0
        var misses: Int64 = 0
        var hits: Int64 = 0
        _ = state.apply([Self.poll("a", start, hits: 0, misses: 0)], now: Date())
        // Alternating bad and good seconds: fired, resolved, fired…
        for second in 1...8 {
            if second.isMultiple(of: 2) { hits += 100 } else { misses += 100 }
            _ = state.apply([Self.poll("a", start + Double(second), hits: hits, misses: misses)], now: Date())
        }
        #expect(state.recentEvents.count == 3)
        #expect(state.recentEvents.map(\.kind) == [.resolved, .firing, .resolved])
        #expect(state.recentEvents.last?.time == Date(timeIntervalSince1970: start + 8))
    }

    @Test(
        "a primary demoted by a failover lets its key model and per-namespace figures go; the new primary keeps its own"
    )
    func demotedPrimaryDropsItsModel() {
        var state = EngineState(rules: [])
        let start = 1_800_000_000.0
        let keys = (0..<50).map { KeyMetadata(name: Array("user:\($0)".utf8), type: "string") }
        _ = state.apply(
            [
                Self.poll("127.0.0.1:7000", start, hits: 0, misses: 0),
                Self.poll("127.0.0.1:7001", start, hits: 0, misses: 0),
                .keys(node: "127.0.0.1:7000", keys: keys, finishedPass: true, unavailable: [:]),
                .keys(node: "127.0.0.1:7001", keys: keys, finishedPass: true, unavailable: [:]),
            ], now: Date(timeIntervalSince1970: start))
        #expect(state.store["127.0.0.1:7000"]?.instances(.namespaceKeys)?["user:*"] != nil)
        #expect(state.sampling(of: "127.0.0.1:7000") != nil)
        // 7001 takes over: 7000 is now its replica.
        let topology = ClusterTopology(nodes: [
            ClusterNode(id: "b", host: "127.0.0.1", port: 7001, role: .primary, slots: [0...16383]),
            ClusterNode(id: "a", host: "127.0.0.1", port: 7000, role: .replica, primaryID: "b"),
        ])
        _ = state.apply([.topology(topology, changes: [])], now: Date(timeIntervalSince1970: start + 1))
        #expect(state.sampling(of: "127.0.0.1:7000") == nil, "the demoted node's model is let go")
        #expect(
            state.store["127.0.0.1:7000"]?.instances(.namespaceKeys)?.isEmpty ?? true, "no frozen namespace figures")
        #expect(state.sampling(of: "127.0.0.1:7001") != nil)
        #expect(state.store["127.0.0.1:7001"]?.instances(.namespaceKeys)?["user:*"] != nil)
    }
}
