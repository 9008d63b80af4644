import Foundation
import Metrics
import Telemetry
import Testing

@Suite("The keyspace model describes the keyspace now")
struct KeyspaceModelTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func key(_ name: String, ttl: Int64? = nil, memory: Int64 = 100, at date: Date) -> KeyMetadata {
        KeyMetadata(name: Array(name.utf8), type: "string", ttlMilliseconds: ttl, memoryBytes: memory, observedAt: date)
    }

    @Test("a key sampled again replaces its record: counts stay, the new TTL and size count")
    func resampledKeyReplaces() {
        var model = KeyspaceModel()
        for index in 0..<10 { model.record(key("user:\(index)", memory: 100, at: start), now: start) }
        let later = start.addingTimeInterval(30)
        for index in 0..<10 { model.record(key("user:\(index)", ttl: 3_600_000, memory: 300, at: later), now: later) }
        let stats = try? #require(model.namespaces["user:*"])
        #expect(model.keysRecorded == 20)
        #expect(stats?.sampledKeys == 10)
        #expect(stats?.withoutTTL == 0)
        #expect(stats?.ttlBuckets == [.underDay: 10])
        #expect(stats?.sampledMemory == 3000)
        #expect(model.biggestByMemory.count == 10 && model.biggestByMemory.allSatisfy { $0.memoryBytes == 300 })
    }

    @Test("a namespace gone from the keyspace leaves the model when a pass no longer sees it")
    func vanishedNamespaceFades() {
        var model = KeyspaceModel()
        for index in 0..<50 {
            model.record(key("cart:\(index)", at: start), now: start)
            model.record(key("user:\(index)", at: start), now: start)
        }
        model.completePass()
        #expect(Set(model.namespaces.keys) == ["cart:*", "user:*"])
        // The carts were deleted: the next pass sees only users.
        let later = start.addingTimeInterval(600)
        for index in 0..<50 { model.record(key("user:\(index)", at: later), now: later) }
        model.completePass()
        #expect(Set(model.namespaces.keys) == ["user:*"])
        #expect(model.sampledKeys == 50)
        #expect(model.records == 50)
    }

    @Test("an expired wave leaves the forecast; a new one ahead appears")
    func expiredWaveLeavesForecast() {
        var model = KeyspaceModel(configuration: .init(horizonSeconds: 600))
        for index in 0..<100 { model.record(key("coupon:\(index)", ttl: 120_000, at: start), now: start) }
        model.refresh(now: start)
        #expect(model.expiryPeaks(now: start).first?.secondsFromNow == 120)
        #expect(model.expiryWave(of: "coupon:*", now: start) == 100)
        let after = start.addingTimeInterval(121)
        model.refresh(now: after)
        #expect(model.expiryPeaks(now: after).isEmpty)
        #expect(model.expiryWave(of: "coupon:*", now: after) == 0)
        #expect(model.namespaces["coupon:*"]?.ttlJitter == nil, "no running TTL: no jitter")
    }

    /// A keyspace where `price:*` keys are all written in the same second and expire together
    /// every minute (refilled at once), beside spread keys, sampled SCAN-like at 100 keys/s.
    @Test("a synchronised family refilled every minute keeps a jitter under 0.05 over ten minutes")
    func synchronisedFamilyKeepsLowJitter() {
        var names: [String] = (0..<3000).map { "price:\($0)" } + (0..<20_000).map { "product:\($0)" }
        var generator = SystemRandomNumberGenerator()
        names.shuffle(using: &generator)
        var productExpiry: [String: Date] = [:]
        var sampling = KeyspaceSampling()
        var cursor = 0
        var jitters: [Double] = []
        for second in 0..<600 {
            let now = start.addingTimeInterval(Double(second))
            let refill = start.addingTimeInterval(Double(second / 60 * 60))
            var batch: [KeyMetadata] = []
            for _ in 0..<100 {
                let name = names[cursor % names.count]
                cursor += 1
                if name.hasPrefix("price:") {
                    // Written at the start of the minute with a 60 s TTL: all expire together.
                    let remaining = refill.addingTimeInterval(60).timeIntervalSince(now)
                    batch.append(key(name, ttl: Int64(remaining * 1000), at: now))
                } else {
                    let expiry = productExpiry[name] ?? now.addingTimeInterval(Double.random(in: 300...3600))
                    productExpiry[name] = expiry
                    batch.append(key(name, ttl: Int64(expiry.timeIntervalSince(now) * 1000), at: now))
                }
            }
            let finished = cursor % names.count < 100
            sampling.add(batch, finishedPass: finished, totalKeys: Int64(names.count), now: now)
            if let jitter = sampling.model.namespaces["price:*"]?.ttlJitter { jitters.append(jitter) }
        }
        #expect(jitters.count > 400, "jitter known most of the time: \(jitters.count)")
        #expect((jitters.max() ?? 1) < 0.05, "max jitter \(jitters.max() ?? -1)")
        let spread = sampling.model.namespaces["product:*"]?.ttlJitter ?? 0
        #expect(spread > 0.3, "spread TTLs keep their jitter: \(spread)")
    }

    @Test("recording 500,000 keys with distinct expiry seconds does constant work per key")
    func constantWorkPerKey() {
        var model = KeyspaceModel()
        var perChunk: [Double] = []
        for chunk in 0..<5 {
            let before = model.operations
            for index in chunk * 100_000..<(chunk + 1) * 100_000 {
                // Each key its own expiry second, hours to weeks ahead.
                model.record(key("item:\(index)", ttl: 3_600_000 + Int64(index) * 1000, at: start), now: start)
            }
            perChunk.append(Double(model.operations - before) / 100_000)
        }
        #expect(perChunk.allSatisfy { $0 < 6 }, "work per key by chunk: \(perChunk)")
        #expect(perChunk[4] <= perChunk[0] * 1.5 + 1, "work per key by chunk: \(perChunk)")
        #expect(model.records <= model.configuration.recordsPerNamespace)
        #expect(model.sampledKeys > 450_000 && model.sampledKeys < 550_000, "estimate \(model.sampledKeys)")
    }

    @Test("memory is bounded across namespaces, and thinned estimates stay near the truth")
    func boundedRecords() {
        var model = KeyspaceModel(configuration: .init(recordsPerNamespace: 1024, recordLimit: 4096))
        for index in 0..<60_000 { model.record(key("a:\(index)", at: start), now: start) }
        for index in 0..<30_000 { model.record(key("b:\(index)", at: start), now: start) }
        for index in 0..<300 { model.record(key("c:\(index)", at: start), now: start) }
        model.updateTotal(keys: 90_300)
        #expect(model.records <= 4096)
        #expect(model.namespaces["c:*"]?.sampledKeys == 300, "small namespaces are held whole")
        for (namespace, truth) in [("a:*", 60_000.0), ("b:*", 30_000.0)] {
            let estimate = model.estimatedKeys(namespace)
            #expect(abs(estimate - truth) / truth < 0.1, "\(namespace): \(estimate)")
        }
    }

    @Test("big keys that expired or were not seen in a pass leave the lists")
    func bigKeysOfThePresent() {
        var model = KeyspaceModel()
        model.record(key("blob:1", ttl: 10_000, memory: 5_000_000, at: start), now: start)
        model.record(key("blob:2", memory: 4_000_000, at: start), now: start)
        model.completePass()
        model.refresh(now: start.addingTimeInterval(11))
        #expect(model.biggestByMemory.map(\.displayName) == ["blob:2"])
        model.completePass()
        #expect(model.biggestByMemory.isEmpty, "blob:2 was not seen in the second pass")
    }
}
