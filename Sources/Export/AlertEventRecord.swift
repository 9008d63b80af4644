import Alerts
import Foundation
import Metrics

/// An alert event as `watch --format json` prints it: `"event":"alert"`, Prometheus-style
/// names (`status`, `alertname`, `labels`), times in ISO 8601 UTC, `ends_at` null until resolved;
/// `cause`, the identity of its incident's cause, on a symptom (absent otherwise).
struct AlertEventRecord: Encodable {
    let event: AlertEvent

    private enum Key: String, CodingKey {
        case event, status, time, alertname, severity, labels, value, summary, description, cause
        case runbookURL = "runbook_url"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }

    func encode(to encoder: any Encoder) throws {
        let alert = event.alert
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("alert", forKey: .event)
        try container.encode(event.kind.rawValue, forKey: .status)
        try container.encode(ValueFormatting.iso8601(event.time), forKey: .time)
        try container.encode(alert.name, forKey: .alertname)
        try container.encode(alert.severity.rawValue, forKey: .severity)
        try container.encode(alert.labels, forKey: .labels)
        try container.encode(JSONOutput.finite(alert.value), forKey: .value)
        try container.encode(alert.summary, forKey: .summary)
        if !alert.description.isEmpty { try container.encode(alert.description, forKey: .description) }
        if !alert.runbookURL.isEmpty { try container.encode(alert.runbookURL, forKey: .runbookURL) }
        try container.encode(ValueFormatting.iso8601(alert.firedAt ?? alert.activeSince), forKey: .startsAt)
        try container.encode(event.kind == .resolved ? ValueFormatting.iso8601(event.time) : nil, forKey: .endsAt)
        try container.encodeIfPresent(alert.cause, forKey: .cause)
    }
}
