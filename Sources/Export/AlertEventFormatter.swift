import Alerts
import Foundation
import Metrics

/// Alert events as lines: JSON objects (`"event":"alert"`), logfmt, or a line for people. A
/// symptom's line names its incident's cause (`cause`: the cause's identity).
public enum AlertEventFormatter {
    /// One line for `event` in `format`.
    public static func line(_ event: AlertEvent, format: LineFormat) -> String {
        let alert = event.alert
        let labels = alert.labels.sorted { $0.key < $1.key }
        switch format {
        case .json:
            return JSONOutput.line(AlertEventRecord(event: event))
        case .logfmt:
            var fields = [
                "time=\(ValueFormatting.iso8601(event.time))", "event=alert", "status=\(event.kind.rawValue)",
                "alertname=\(LogfmtText.value(alert.name))", "severity=\(alert.severity.rawValue)",
            ]
            fields += labels.map { "\($0.key)=\(LogfmtText.value($0.value))" }
            fields += ["value=\(JSONText.number(alert.value))", "summary=\(LogfmtText.value(alert.summary))"]
            if let cause = alert.cause { fields.append("cause=\(LogfmtText.value(cause))") }
            return fields.joined(separator: " ")
        case .table:
            let status = event.kind == .firing ? "FIRING" : "RESOLVED"
            let cause = alert.cause.map { " (symptom of \($0))" } ?? ""
            return
                "\(ValueFormatting.timeOfDay(event.time)) \(status) \(alert.severity.rawValue) \(alert.identity): \(alert.summary)\(cause)"
        }
    }
}
