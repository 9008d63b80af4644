import Alerts
import Foundation
import Metrics

/// Alert events as lines: JSON objects (`"event":"alert"`), logfmt, or a line for people.
public enum AlertEventFormatter {
    /// One line for `event` in `format`.
    public static func line(_ event: AlertEvent, format: LineFormat) -> String {
        let alert = event.alert
        let labels = alert.labels.sorted { $0.key < $1.key }
        switch format {
        case .json:
            var fields = [
                "\"event\":\"alert\"", "\"status\":\(JSONText.string(event.kind.rawValue))",
                "\"time\":\(JSONText.string(ValueFormatting.iso8601(event.time)))",
                "\"alertname\":\(JSONText.string(alert.name))",
                "\"severity\":\(JSONText.string(alert.severity.rawValue))",
                "\"labels\":{\(labels.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }.joined(separator: ","))}",
                "\"value\":\(JSONText.number(alert.value))", "\"summary\":\(JSONText.string(alert.summary))",
                "\"starts_at\":\(JSONText.string(ValueFormatting.iso8601(alert.firedAt ?? alert.activeSince)))",
            ]
            fields.append(
                "\"ends_at\":"
                    + (event.kind == .resolved ? JSONText.string(ValueFormatting.iso8601(event.time)) : "null"))
            return "{" + fields.joined(separator: ",") + "}"
        case .logfmt:
            var fields = [
                "time=\(ValueFormatting.iso8601(event.time))", "event=alert", "status=\(event.kind.rawValue)",
                "alertname=\(LogfmtText.value(alert.name))", "severity=\(alert.severity.rawValue)",
            ]
            fields += labels.map { "\($0.key)=\(LogfmtText.value($0.value))" }
            fields += ["value=\(JSONText.number(alert.value))", "summary=\(LogfmtText.value(alert.summary))"]
            return fields.joined(separator: " ")
        case .table:
            let status = event.kind == .firing ? "FIRING" : "RESOLVED"
            return
                "\(ValueFormatting.timeOfDay(event.time)) \(status) \(alert.severity.rawValue) \(alert.identity): \(alert.summary)"
        }
    }
}
