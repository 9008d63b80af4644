import Foundation
import Metrics
import Telemetry
import Testing

/// The key sampler counts its commands as it sends them; a poll whose INFO ran before a batch
/// did must not turn that batch into a spike at the next poll.
@Suite("Own traffic in flight at a poll")
struct OwnTrafficInFlightTests {
    private static func poll(
        _ second: Double, commands: Int64, own: Int64, hits: Int64 = 0, errors: Int64 = 0, ownErrors: Int64 = 0
    ) -> Sample {
        let sections: [String: [String: String]] = [
            "server": ["run_id": "r", "uptime_in_seconds": "100"],
            "stats": [
                "total_commands_processed": String(commands), "keyspace_hits": String(hits), "keyspace_misses": "0",
                "total_error_replies": String(errors),
            ],
        ]
        let reading = Reading(
            info: InfoSnapshot(sections: sections), slowlog: nil, pingRTT: nil,
            ownTraffic: OwnTraffic.Counts(commands: own, hits: hits, errors: ownErrors))
        return Sample(node: "n", time: Date(timeIntervalSince1970: second), outcome: .reading(reading))
    }

    @Test("a batch counted before the server ran it reads 0 ops/s on both sides of the poll")
    func carried() {
        var store = MetricStore()
        store.ingest(Self.poll(0, commands: 1000, own: 0))
        // 154 commands sent (and counted) just after the server answered this poll's INFO.
        store.ingest(Self.poll(1, commands: 1000, own: 154))
        // The server has run them by the next poll.
        store.ingest(Self.poll(2, commands: 1154, own: 154))
        #expect(store["n"]?.values(.opsPerSec) == [nil, 0, 0])
        // Real traffic afterwards is still seen in full.
        store.ingest(Self.poll(3, commands: 1254, own: 154))
        #expect(store["n"]?.latest(.opsPerSec) == 100)
    }

    @Test("the carry is bounded by what was sent: a miscount cannot hide real traffic for long")
    func bounded() {
        var store = MetricStore()
        store.ingest(Self.poll(0, commands: 1000, own: 0))
        // Our count says 10 more than the server will ever see.
        store.ingest(Self.poll(1, commands: 1000, own: 10))
        store.ingest(Self.poll(2, commands: 1500, own: 10))
        store.ingest(Self.poll(3, commands: 2000, own: 10))
        #expect(store["n"]?.values(.opsPerSec) == [nil, 0, 490, 500])
    }

    @Test("error replies to our own commands (refused OBJECT, MEMORY USAGE) are not the application's")
    func ownErrors() {
        var store = MetricStore()
        store.ingest(Self.poll(0, commands: 1000, own: 0, errors: 10, ownErrors: 0))
        // 50 of ours refused in the second, 5 of the application's.
        store.ingest(Self.poll(1, commands: 1100, own: 0, errors: 65, ownErrors: 50))
        #expect(store["n"]?.latest(.errorRepliesPerSec) == 5)
    }
}
