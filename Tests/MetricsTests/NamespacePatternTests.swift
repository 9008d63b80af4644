import Foundation
import Metrics
import Telemetry
import Testing

@Suite("Namespaces and the keyspace model")
struct NamespacePatternTests {
    @Test(
        "ids collapse to *, words stay",
        arguments: [
            ("user:42:profile", "user:*:profile"),
            ("session:9f86d081884c7d65", "session:*"),
            ("session:dbaaddcc", "session:*"),  // a hex id without a digit
            ("cache:facade", "cache:facade"),  // a short word of hex letters stays
            ("order/2024/550e8400-e29b-41d4-a716-446655440000", "order/*/*"),
            ("token|QWxhZGRpbjpvcGVuIHNlc2FtZQ2", "token|*"),
            ("cache.v2.home", "cache.v2.home"),
            ("plain", "plain"),
            ("rate:limit:u123456", "rate:limit:*"),
            ("a::b", "a::b"),
        ])
    func collapses(name: String, pattern: String) {
        #expect(NamespacePattern.of(Array(name.utf8)) == pattern)
    }

    @Test("two names have the same fingerprint exactly when they have the same namespace")
    func fingerprints() {
        // Words of every length around a word's 8 bytes, ids of each kind, every separator,
        // empty segments (a literal "*" reads as an id in the text but not in the fingerprint).
        let words = [
            "", "a", "ab", "user", "profile", "sessions", "namespace", "verylongwordpast16b", "v2", "caf\u{e9}",
        ]
        let ids = ["42", "9f86d081884c7d65", "550e8400-e29b-41d4-a716-446655440000", "dbaaddcc", "u123456"]
        let separators = [":", ".", "/", "|"]
        var names: [[UInt8]] = []
        for first in words + ids {
            for separator in separators {
                for second in words + ids {
                    names.append(Array((first + separator + second).utf8))
                    names.append(Array((first + separator + second + ":" + first).utf8))
                }
            }
            names.append(Array(first.utf8))
        }
        var byFingerprint: [UInt64: String] = [:]
        var byPattern: [String: UInt64] = [:]
        for name in names {
            let pattern = NamespacePattern.of(name)
            let fingerprint = NamespacePattern.fingerprint(of: name)
            #expect(byFingerprint[fingerprint, default: pattern] == pattern, "\(String(decoding: name, as: UTF8.self))")
            #expect(byPattern[pattern, default: fingerprint] == fingerprint, "\(String(decoding: name, as: UTF8.self))")
            byFingerprint[fingerprint] = pattern
            byPattern[pattern] = fingerprint
        }
        #expect(byPattern.count > 500)
        // The empty name, with or without a buffer behind it.
        let empty: [UInt8] = []
        let noBuffer = NamespacePattern.fingerprint(of: UnsafeBufferPointer(start: nil, count: 0))
        let emptyBuffer = [UInt8](repeating: 0, count: 4).withUnsafeBufferPointer {
            NamespacePattern.fingerprint(of: UnsafeBufferPointer(rebasing: $0[0..<0]))
        }
        #expect(noBuffer == emptyBuffer && NamespacePattern.fingerprint(of: empty) == noBuffer)
    }

    @Test("top-K keeps the biggest, TTL buckets and the expiry forecast scale to the total")
    func model() {
        var model = KeyspaceModel(configuration: KeyspaceModel.Configuration(topK: 3, horizonSeconds: 60))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<100 {
            model.record(
                KeyMetadata(
                    name: Array("k:\(index)".utf8), type: "string", ttlMilliseconds: index < 50 ? 10_500 : nil,
                    memoryBytes: Int64(index)), now: now)
        }
        model.updateTotal(keys: 1000)
        model.refresh(now: now)
        #expect(model.biggestByMemory.map(\.memoryBytes) == [99, 98, 97])
        #expect(model.ttlBuckets[.none] == 50 && model.ttlBuckets[.underMinute] == 50)
        #expect(model.estimatedKeys("k:*") == 1000)
        let forecast = model.expiryForecast(now: now)
        #expect(forecast.count == 60)
        #expect(forecast[9] == 500)  // 50 sampled keys × 10, expiring at now + 10 s
        #expect(model.expiryPeaks(now: now).first?.secondsFromNow == 10)
        #expect(model.namespaces["k:*"]?.ttlJitter == 0)
    }

    @Test("the namespace cap sends the rest to (other)")
    func cap() {
        var model = KeyspaceModel(configuration: KeyspaceModel.Configuration(namespaceCap: 2))
        for name in ["a:1", "b:1", "c:1", "d:1"] {
            model.record(KeyMetadata(name: Array(name.utf8), type: "string"), now: Date())
        }
        #expect(Set(model.namespaces.keys) == ["a:*", "b:*", "(other)"])
        #expect(model.namespaces["(other)"]?.sampledKeys == 2)
    }
}
