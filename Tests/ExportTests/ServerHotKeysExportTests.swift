import Export
import Foundation
import Metrics
import Telemetry
import TestSupport
import Testing

@Suite("Server hot keys in the exposition and the snapshot", .sameOnEveryServer)
struct ServerHotKeysExportTests {
    private func store() -> MetricStore {
        var store = MetricStore()
        var reading = Reading(info: nil, slowlog: nil, pingRTT: nil)
        reading.serverHotKeys = ServerHotKeys(
            source: .valkeyWindow,
            entries: [
                .init(key: Array("product:8fd21a".utf8), database: 0, accessesPerSecond: 48_200),
                .init(key: Array("user:42".utf8), database: 3, accessesPerSecond: 900),
            ], isTracking: true, windowMilliseconds: 1022, samples: 211_833,
            settings: ValkeyHotkeySettings(topK: 16))
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        store.ingest(Sample(node: "n:1", time: time, outcome: .reading(reading), finished: time))
        return store
    }

    @Test("each hot key a sample of its dialect's metric, labelled by key")
    func exposition() throws {
        let text = PrometheusExposition(nodes: [try #require(store()["n:1"])], alerts: [])
            .render(.prometheusText)
        #expect(
            text.contains("cachewatch_hotkey_accesses_per_second{node=\"n:1\",hotkey=\"product:8fd21a\"} 48200"),
            "\(text.suffix(600))")
        #expect(text.contains("cachewatch_hotkey_accesses_per_second{node=\"n:1\",hotkey=\"user:42 (db 3)\"} 900"))
        #expect(!text.contains("cachewatch_hotkey_cpu_percent{"))
    }

    @Test("hotkeys.csv: a row per key with its source and window; tokens when keys are redacted")
    func snapshot() throws {
        let rows = try #require(store()["n:1"]?.serverHotKeys).csvRows(node: "n:1", redactingKeys: false)
        var table = CSVTable(header: ServerHotKeys.csvHeader)
        for row in rows { table.append(row) }
        let lines = try table.text().split(separator: "\r\n").map(String.init)
        #expect(lines.first == ServerHotKeys.csvHeader.joined(separator: ","))
        #expect(
            lines.dropFirst().first == "n:1,valkey-hotkeys,product:8fd21a,70726f647563743a386664323161,0,48200,,,1022,1"
        )
        let redacted = try #require(store()["n:1"]?.serverHotKeys).csvRows(node: "n:1", redactingKeys: true)
        var hidden = CSVTable(header: ServerHotKeys.csvHeader)
        for row in redacted { hidden.append(row) }
        let text = try hidden.text()
        #expect(!text.contains("product") && !text.contains("user:42") && text.contains("key#"))
    }
}
