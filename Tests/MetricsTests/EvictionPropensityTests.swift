import Foundation
import Metrics
import Telemetry
import Testing

@Suite("Eviction propensity per namespace, from sampled idle times and frequencies")
struct EvictionPropensityTests {
    private func key(_ name: String, idle: Int64? = nil, frequency: Int64? = nil, ttl: Int64? = 60_000) -> KeyMetadata {
        var key = KeyMetadata(name: Array(name.utf8), type: "string", ttlMilliseconds: ttl)
        key.idleSeconds = idle
        key.frequency = frequency
        return key
    }

    private func namespace(_ name: [UInt8]) -> String {
        String(decoding: name.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self) + ":*"
    }

    @Test("under LRU a namespace idle longest takes most evictions, a hot one almost none; the mean is 1")
    func leastRecentlyUsed() throws {
        var propensity = EvictionPropensity()
        // Sessions never read (idle 10–19 s), profiles read every second, prices in between.
        var keys: [KeyMetadata] = []
        for index in 0..<100 {
            keys.append(key("session:\(index)", idle: 10 + Int64(index % 10)))
            keys.append(key("user:\(index)", idle: Int64(index % 2)))
            keys.append(key("price:\(index)", idle: Int64(index % 12)))
        }
        propensity.add(keys, policy: .allKeysLRU, namespace: namespace)
        let multipliers = propensity.multipliers()
        let session = try #require(multipliers["session:*"])
        let user = try #require(multipliers["user:*"])
        let price = try #require(multipliers["price:*"])
        #expect(session > 2.5 && user < 0.05 && price > user && price < session, "\(multipliers)")
        #expect(abs((session + user + price) / 3 - 1) < 0.05, "weights average 1 over the keys: \(multipliers)")
    }

    @Test("LFU ranks by frequency; volatile policies leave out keys without a TTL; random policies say nothing")
    func policies() throws {
        var lfu = EvictionPropensity()
        lfu.add(
            (0..<60).map { key("hot:\($0)", frequency: 200) } + (0..<60).map { key("cold:\($0)", frequency: 1) },
            policy: .volatileLFU, namespace: namespace)
        lfu.add(
            (0..<60).map { key("persistent:\($0)", frequency: 0, ttl: nil) }, policy: .volatileLFU, namespace: namespace
        )
        let multipliers = lfu.multipliers()
        #expect((multipliers["cold:*"] ?? 0) > (multipliers["hot:*"] ?? 9), "\(multipliers)")
        #expect(multipliers["persistent:*"] == nil, "volatile-lfu never evicts keys without a TTL")
        var random = EvictionPropensity()
        random.add((0..<100).map { key("a:\($0)", idle: Int64($0)) }, policy: .allKeysRandom, namespace: namespace)
        #expect(random.multipliers().isEmpty)
        var few = EvictionPropensity()
        few.add((0..<10).map { key("a:\($0)", idle: Int64($0)) }, policy: .allKeysLRU, namespace: namespace)
        #expect(few.multipliers().isEmpty, "too few keys for a rank")
    }
}
