import Alerts
import Export
import Foundation
import Metrics
import Testing

/// A symptom's outputs name its incident's cause: event lines, the exposition.
@Suite("Incidents in the outputs")
struct IncidentOutputTests {
    private static let time = Date(timeIntervalSince1970: 1_800_000_000)

    private static func alert(_ name: String, cause: String?) -> Alert {
        var alert = Alert(
            name: name, labels: ["node": "a:6379"], state: .firing, severity: .warning, value: 80, summary: "s",
            activeSince: time, firedAt: time, lastTrue: time)
        alert.cause = cause
        return alert
    }

    @Test("event lines: json and logfmt carry cause (the cause's identity), the table says whose symptom")
    func eventLines() throws {
        let event = AlertEvent(
            kind: .firing, alert: Self.alert("EvictionsActive", cause: "MemoryFull{node=a:6379}"), time: Self.time)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(AlertEventFormatter.line(event, format: .json).utf8))
                as? [String: Any])
        #expect(json["cause"] as? String == "MemoryFull{node=a:6379}")
        #expect(AlertEventFormatter.line(event, format: .logfmt).hasSuffix(" cause=\"MemoryFull{node=a:6379}\""))
        #expect(AlertEventFormatter.line(event, format: .table).hasSuffix("(symptom of MemoryFull{node=a:6379})"))
        // A cause, or an alert of no incident: no field at all.
        let alone = AlertEvent(kind: .firing, alert: Self.alert("MemoryFull", cause: nil), time: Self.time)
        #expect(!AlertEventFormatter.line(alone, format: .json).contains("cause"))
        #expect(!AlertEventFormatter.line(alone, format: .logfmt).contains("cause="))
    }

    @Test("the exposition labels a symptom's alert with its cause's rule")
    func exposition() {
        let text = PrometheusExposition(
            nodes: [],
            alerts: [
                Self.alert("EvictionsActive", cause: "MemoryFull{node=a:6379}"), Self.alert("MemoryFull", cause: nil),
            ]
        ).render(.prometheusText)
        #expect(
            text.contains(
                "cachewatch_alerts{alertname=\"EvictionsActive\",severity=\"warning\",state=\"firing\",node=\"a:6379\",cause=\"MemoryFull\"} 1\n"
            ), "\(text)")
        #expect(
            text.contains(
                "cachewatch_alerts{alertname=\"MemoryFull\",severity=\"warning\",state=\"firing\",node=\"a:6379\"} 1\n")
        )
    }

    @Test("a snapshot's alerts.csv has the cause's identity beside each symptom, its rule alone when redacted")
    func snapshotCSV() throws {
        var symptom = Self.alert("CriticalKeysEvicted", cause: "MemoryFull{node=a:6379}")
        symptom.labels["namespace"] = "session:*"
        let events = [
            AlertEvent(kind: .firing, alert: Self.alert("MemoryFull", cause: nil), time: Self.time),
            AlertEvent(kind: .firing, alert: symptom, time: Self.time),
        ]
        let snapshot = Snapshot(
            toolVersion: "t", endpoint: "a:6379", node: "a:6379", store: MetricStore(), keyspaces: [:],
            events: events, active: events.map(\.alert), windowStart: 0, takenAt: Self.time)
        func rows(_ options: ExportOptions) throws -> [[String]] {
            let text = try #require(
                try SnapshotWriter(options: options).files(for: snapshot).first { $0.name == "alerts.csv" }?.text)
            return text.split(separator: "\r\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }
        let plain = try rows(ExportOptions())
        let column = try #require(plain.first?.firstIndex(of: "cause"))
        #expect(plain.count == 3)
        #expect(plain.first { $0.first == "MemoryFull" }?[column] == "")
        #expect(plain.first { $0.first == "CriticalKeysEvicted" }?[column] == "MemoryFull{node=a:6379}")
        let redacted = try rows(ExportOptions(redactsKeys: true))
        #expect(redacted.first { $0.first == "CriticalKeysEvicted" }?[column] == "MemoryFull")
    }
}
