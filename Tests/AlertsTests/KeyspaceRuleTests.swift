import Alerts
import Foundation
import Metrics
import Telemetry
import Testing

/// The built-in rules that read key sampling and the TTL share, one alert per namespace.
@Suite("Keyspace rules")
struct KeyspaceRuleTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func key(_ name: String, ttl: Int64? = nil, memory: Int64 = 70, type: String = "string") -> KeyMetadata {
        KeyMetadata(name: Array(name.utf8), type: type, ttlMilliseconds: ttl, memoryBytes: memory, observedAt: start)
    }

    /// Ticks one a second over `seconds`, with the sampling recorded before each evaluation;
    /// returns the firing and resolved identities in order.
    private func run(
        _ names: Set<String>, sampling: (Int) -> KeyspaceSampling?, seconds: Int,
        info: (Int) -> [String: [String: String]] = { _ in ["server": ["run_id": "r"]] }
    ) -> [String] {
        var engine = RuleEngine(rules: DefaultRules.rules.filter { names.contains($0.name) })
        var store = MetricStore()
        var events: [String] = []
        var latest: KeyspaceSampling?
        for second in 0..<seconds {
            let time = start.addingTimeInterval(Double(second))
            store.ingest(
                Sample(
                    node: "n", time: time,
                    outcome: .reading(Reading(info: InfoSnapshot(sections: info(second)), slowlog: nil, pingRTT: nil))))
            if let next = sampling(second) { latest = next }
            if let latest { store.record(KeyspaceFigures(latest, now: time), node: "n") }
            events += engine.eval(now: time, store: store).map { "\($0.kind.rawValue) \($0.alert.identity)" }
        }
        return events
    }

    private func sampled(_ keys: [KeyMetadata]) -> KeyspaceSampling {
        var sampling = KeyspaceSampling()
        sampling.add(keys, finishedPass: true, totalKeys: Int64(keys.count), now: start)
        return sampling
    }

    @Test("a namespace written without jitter: ExpiryWave and NoTTLJitter name it; BigKey names the big key's")
    func perNamespace() {
        // 2,000 prices written in the same second with the same 5-minute TTL; users jittered.
        var keys = (0..<2000).map { key("price:\($0)", ttl: 300_000) }
        keys += (0..<500).map { key("user:\($0)", ttl: 250_000 + Int64($0) * 100) }
        keys.append(key("report:daily", memory: 3_000_000))
        let events = run(
            ["ExpiryWave", "NoTTLJitter", "BigKey"], sampling: { $0 == 0 ? sampled(keys) : nil }, seconds: 70)
        #expect(
            events == [
                "firing ExpiryWave{namespace=price:*,node=n}",
                "firing BigKey{namespace=report:daily,node=n}",
                "firing NoTTLJitter{namespace=price:*,node=n}",
            ])
    }

    @Test("an instance that disappears resolves its alert; pending ones vanish")
    func instanceGone() {
        let wave = (0..<2000).map { key("price:\($0)", ttl: 300_000) }
        let others = (0..<2000).map { key("user:\($0)", ttl: 100_000 + Int64($0) * 97) }
        let events = run(
            ["ExpiryWave"], sampling: { $0 == 0 ? sampled(wave) : $0 == 10 ? sampled(others) : nil }, seconds: 100)
        // keep_firing_for 1m: resolved 60 s after the last tick the wave was seen (tick 9).
        #expect(
            events == ["firing ExpiryWave{namespace=price:*,node=n}", "resolved ExpiryWave{namespace=price:*,node=n}"])
    }

    @Test("sessions, locks and rate limits under allkeys-*: CriticalKeysEvictable per namespace; not under volatile-*")
    func criticalKeys() {
        var keys = (0..<300).map { key("session:\($0)", ttl: 1_800_000) }
        keys += (0..<50).map { key("lock:order:\($0)", ttl: 30_000) }
        keys += (0..<500).map { key("product:\($0)", ttl: 600_000) }
        func memory(_ policy: String) -> (Int) -> [String: [String: String]] {
            { _ in ["memory": ["maxmemory": "1000000", "used_memory": "500000", "maxmemory_policy": policy]] }
        }
        let allkeys = run(
            ["CriticalKeysEvictable"], sampling: { $0 == 0 ? sampled(keys) : nil }, seconds: 62,
            info: memory("allkeys-lru"))
        #expect(
            Set(allkeys) == [
                "firing CriticalKeysEvictable{namespace=session:*,node=n}",
                "firing CriticalKeysEvictable{namespace=lock:order:*,node=n}",
            ])
        let volatile = run(
            ["CriticalKeysEvictable"], sampling: { $0 == 0 ? sampled(keys) : nil }, seconds: 62,
            info: memory("volatile-lru"))
        #expect(volatile.isEmpty)
    }

    @Test("UnevictableKeys under volatile-* with most keys persistent; NoTTLGrowth when the share climbs")
    func ttlShare() {
        func keyspace(keys: Int, expires: Int, policy: String) -> [String: [String: String]] {
            [
                "keyspace": ["db0": "keys=\(keys),expires=\(expires),avg_ttl=0"],
                "memory": ["maxmemory": "1000000", "used_memory": "500000", "maxmemory_policy": policy],
            ]
        }
        let unevictable = run(
            ["UnevictableKeys", "NoTTLGrowth"], sampling: { _ in nil }, seconds: 400,
            info: { _ in keyspace(keys: 10_000, expires: 2_000, policy: "volatile-lru") })
        #expect(unevictable == ["firing UnevictableKeys{node=n}"])
        let allkeys = run(
            ["UnevictableKeys"], sampling: { _ in nil }, seconds: 400,
            info: { _ in keyspace(keys: 10_000, expires: 2_000, policy: "allkeys-lru") })
        #expect(allkeys.isEmpty)
        // 10,000 keys; one in ten new ones written without a TTL for ten minutes.
        let growth = run(
            ["NoTTLGrowth"], sampling: { _ in nil }, seconds: 900,
            info: { second in
                keyspace(keys: 10_000 + second * 10, expires: 10_000 + second * 5, policy: "allkeys-lru")
            })
        #expect(growth == ["firing NoTTLGrowth{node=n}"])
        let steady = run(
            ["NoTTLGrowth"], sampling: { _ in nil }, seconds: 900,
            info: { second in keyspace(keys: 10_000 + second * 10, expires: 9_000 + second * 9, policy: "allkeys-lru") }
        )
        #expect(steady.isEmpty)
    }

    @Test("namespace globs: *, ? and case")
    func globs() {
        #expect(GlobPattern("*session*").matches("Session:*"))
        #expect(GlobPattern("*sess:*").matches("web:sess:*"))
        #expect(GlobPattern("lock:?").matches("lock:a"))
        #expect(!GlobPattern("lock:?").matches("lock:ab"))
        #expect(!GlobPattern("*lock*").matches("clo:ck"))
        #expect(GlobPattern("*").matches(""))
        #expect(GlobPattern("a*b*c").matches("a-b-b-c"))
        #expect(!GlobPattern("a*b*c").matches("a-b-b-d"))
    }

    @Test(
        "{{evictable_critical}} names the rules file's critical namespaces under allkeys-*, those evicted first first (keys × how much likelier than the average key)"
    )
    func evictableCritical() throws {
        let rule = AlertRule(
            name: "Full", condition: AlertCondition(metric: .metric(.up), .above, 0),
            summary: "may evict: {{evictable_critical}}", criticalNamespaces: ["*session*", "*lock*"])
        var engine = RuleEngine(rules: [rule])
        var store = MetricStore()
        let info: [String: [String: String]] = [
            "server": ["run_id": "r"], "memory": ["maxmemory": "1000000", "maxmemory_policy": "allkeys-lru"],
        ]
        store.ingest(
            Sample(
                node: "n", time: start,
                outcome: .reading(Reading(info: InfoSnapshot(sections: info), slowlog: nil, pingRTT: nil))))
        store.setInstances(node: "n", .namespaceKeys, ["session:*": 1_000, "lock:*": 100, "cart:*": 5_000])
        // Sessions are read all the time (LRU keeps them), locks sit idle: locks go first.
        store.setInstances(node: "n", .namespaceEvictionPropensity, ["session:*": 0.2, "lock:*": 4, "cart:*": 1])
        let firing = try #require(engine.eval(now: start, store: store).first)
        #expect(
            firing.alert.summary
                == "may evict: lock:* (~100 keys, 4.0× the average eviction risk), session:* (~1.00k keys, 0.2× the average eviction risk)",
            "\(firing.alert.summary)")
    }
}
