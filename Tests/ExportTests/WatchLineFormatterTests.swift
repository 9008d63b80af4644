import Export
import Foundation
import Metrics
import Telemetry
import Testing

@Suite("watch line formats")
struct WatchLineFormatterTests {
    private func store(ticks: Int, failAt: Set<Int> = []) -> MetricStore {
        var store = MetricStore()
        for index in 0..<ticks {
            let time = Date(timeIntervalSince1970: 1_800_000_000 + Double(index))
            if failAt.contains(index) {
                store.ingest(
                    Sample(
                        node: "127.0.0.1:6379", time: time,
                        outcome: .failure(
                            PollFailure(
                                kind: .connection, message: "cannot connect to 127.0.0.1:6379: connection refused"))))
                continue
            }
            let info = InfoSnapshot(sections: [
                "stats": [
                    "keyspace_hits": String(index * 200), "keyspace_misses": String(index * 100),
                    "total_commands_processed": String(index * 303),
                ],
                "memory": ["used_memory": "1048576", "maxmemory": "4194304", "mem_fragmentation_ratio": "1.25"],
                "keyspace": ["db0": "keys=42,expires=7,avg_ttl=0"],
            ])
            store.ingest(
                Sample(
                    node: "127.0.0.1:6379", time: time,
                    outcome: .reading(
                        Reading(info: info, slowlog: SlowlogDelta(), pingRTT: .microseconds(250), commandsSent: 3))))
        }
        return store
    }

    @Test("JSON lines carry every metric name, null where absent, and parse as JSON")
    func json() throws {
        let store = store(ticks: 2)
        var formatter = WatchLineFormatter(format: .json)
        let node = try #require(store["127.0.0.1:6379"])
        let line = try #require(formatter.lines(for: node).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for metric in Metric.perNode { #expect(object.keys.contains(metric.name), "\(metric.name) missing") }
        #expect(object["time"] as? String == "2027-01-15T08:00:01.000Z")
        #expect(object["ts_ms"] as? Int == 1_800_000_001_000)
        #expect(object["node"] as? String == "127.0.0.1:6379")
        #expect(abs((object["hit_ratio"] as? Double ?? 0) - 0.666667) < 1e-6)
        #expect(object["ops_per_sec"] as? Int == 300)
        #expect(object["memory_used_ratio"] as? Double == 0.25)
        #expect(object["db0_keys"] as? Int == 42)
        #expect(object["rejected_connections_per_sec"] is NSNull)
        #expect(object["error"] == nil)
    }

    @Test("a failed tick is a JSON line with up 0, nulls and the error")
    func jsonFailure() throws {
        let store = store(ticks: 2, failAt: [1])
        var formatter = WatchLineFormatter(format: .json)
        let node = try #require(store["127.0.0.1:6379"])
        let line = try #require(formatter.lines(for: node).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["up"] as? Int == 0)
        #expect(object["used_memory_bytes"] is NSNull)
        #expect(object["error"] as? String == "cannot connect to 127.0.0.1:6379: connection refused")
        #expect(object["error_kind"] as? String == "connection")
    }

    @Test("logfmt quotes what needs quoting and shows absent values as -")
    func logfmt() throws {
        let store = store(ticks: 2, failAt: [1])
        var formatter = WatchLineFormatter(format: .logfmt)
        let node = try #require(store["127.0.0.1:6379"])
        let line = try #require(formatter.lines(for: node).first)
        #expect(line.hasPrefix("time=2027-01-15T08:00:01.000Z node=127.0.0.1:6379 up=0 ops_per_sec=- hit_ratio=-"))
        #expect(line.hasSuffix(#"error="cannot connect to 127.0.0.1:6379: connection refused" error_kind=connection"#))
    }

    @Test("the table repeats its header every screenful and skips failed ticks")
    func tableHeaders() throws {
        var formatter = WatchLineFormatter(format: .table, headerEvery: 3)
        var all: [String] = []
        for index in 0..<8 {
            // A store that ends at tick `index`, so the formatter sees each newest tick once.
            let node = try #require(store(ticks: index + 1, failAt: [4])["127.0.0.1:6379"])
            all += formatter.lines(for: node)
        }
        let headers = all.filter { $0.hasPrefix("time") }
        #expect(headers.count == 3)  // before rows 1, 4 and 7 (7 rows: tick 4 failed)
        #expect(all.filter { $0.first?.isNumber == true }.count == 7)
        #expect(all.count == 7 + 3 * 2)
        let header = all[0]
        let row = all[3]  // the second tick: the first with rates
        #expect(header.count == row.count, "columns must line up:\n\(header)\n\(row)")
        #expect(all[2].contains("      -     -"), "no rates on the first tick: \(all[2])")
        #expect(row.contains(" 66.7 "))
        #expect(row.contains("1.00M"))
    }

    @Test("number renderings")
    func valueFormatting() {
        #expect(ValueFormatting.count(nil) == "-")
        #expect(ValueFormatting.count(0) == "0")
        #expect(ValueFormatting.count(2.5) == "2.5")
        #expect(ValueFormatting.count(950) == "950")
        #expect(ValueFormatting.count(12_345) == "12.3k")
        #expect(ValueFormatting.count(4_560_000) == "4.56M")
        #expect(ValueFormatting.bytes(512) == "512B")
        #expect(ValueFormatting.bytes(1536) == "1.50K")
        #expect(ValueFormatting.bytes(64 * 1_048_576) == "64.0M")
        #expect(ValueFormatting.bytes(1_048_000) == "1.00M")
        #expect(ValueFormatting.bytes(1000) == "0.98K")
        #expect(ValueFormatting.percent(2.0 / 3.0) == "66.7")
        #expect(ValueFormatting.milliseconds(0.213) == "0.21")
        #expect(JSONText.number(3) == "3")
        #expect(JSONText.number(0.25) == "0.25")
        #expect(JSONText.number(10_083_264.704595178) == "10083265")
        #expect(JSONText.number(1234.5678) == "1234.57")
        #expect(JSONText.string("a\"b\n\u{1}") == #""a\"b\n\u0001""#)
    }
}
