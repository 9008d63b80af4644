import Alerts
import Foundation
import Metrics

/// One alert of the Alertmanager v2 API (`POST /api/v2/alerts`): the alert's labels with
/// `alertname` and `severity` — and `cause`, the rule of the incident's root cause, on a symptom
/// (fixed when it fired: one label set for its life) — its summary, value, description and
/// runbook as annotations,
/// `endsAt` once resolved.
struct AlertmanagerAlert: Encodable {
    struct Annotations: Encodable {
        let summary: String
        let value: String
        /// What to do, and the runbook, where the rule says (absent otherwise).
        let description: String?
        let runbookURL: String?

        enum CodingKeys: String, CodingKey {
            case summary, value, description
            case runbookURL = "runbook_url"
        }
    }

    let labels: [String: String]
    let annotations: Annotations
    let startsAt: String
    let endsAt: String?
    let generatorURL: String?

    init(_ alert: Alert, endsAt: Date?, generatorURL: String?) {
        var labels = alert.labels
        labels["alertname"] = alert.name
        labels["severity"] = alert.severity.rawValue
        if let cause = alert.cause { labels["cause"] = Alert.name(ofIdentity: cause) }
        self.labels = labels
        annotations = Annotations(
            summary: alert.summary, value: JSONText.number(alert.value),
            description: alert.description.isEmpty ? nil : alert.description,
            runbookURL: alert.runbookURL.isEmpty ? nil : alert.runbookURL)
        startsAt = ValueFormatting.iso8601(alert.firedAt ?? alert.activeSince)
        self.endsAt = endsAt.map(ValueFormatting.iso8601)
        self.generatorURL = generatorURL
    }
}
