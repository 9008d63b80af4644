import Telemetry
import TestSupport
import Testing

@Suite("INFO keysizes", .sameOnEveryServer)
struct KeySizeDistributionTests {
    @Test("buckets with K/M suffixes, per database and type; unknown fields and bad pairs skipped")
    func parse() {
        let sizes = KeySizeDistribution(fields: [
            "db0_distrib_strings_sizes": "1=1,8=3,1M=1", "db0_distrib_lists_items": "2=1",
            "db2_distrib_hashes_items": "16K=4,bad,x=1", "db0_distrib_weird_items": "1=1", "something": "1=1",
            "db3_distrib_sets_items": "",
        ])
        #expect(sizes.histograms.count == 3)
        let strings = sizes.histograms.first { $0.kind == .strings }
        #expect(strings?.buckets.map(\.lowerBound) == [1, 8, 1_048_576])
        #expect(strings?.buckets.map(\.keys) == [1, 3, 1])
        #expect(sizes.largestBucket(of: [.strings]) == 1_048_576)
        #expect(sizes.largestBucket(of: [.lists, .hashes]) == 16_384)
        #expect(sizes.largestBucket(of: [.zsets]) == nil)
    }

    @Test("read from an INFO reply")
    func fromInfo() {
        let info = InfoSnapshot(parsing: "# Keysizes\r\ndb0_distrib_strings_sizes:64=50,2M=1\r\n")
        #expect(info.keySizes?.largestBucket(of: [.strings]) == 2_097_152)
        #expect(InfoSnapshot(parsing: "# Server\r\nredis_version:7.0.15\r\n").keySizes == nil)
    }
}
