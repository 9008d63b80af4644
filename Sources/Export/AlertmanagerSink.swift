import Alerts
import Foundation
import Metrics

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Pushes alerts to Alertmanager's v2 API (`POST /api/v2/alerts`): each firing event at once,
/// every firing alert again each `resendInterval` (Alertmanager resolves alerts it stops
/// hearing about), and each resolution with its `endsAt`.
public actor AlertmanagerSink {
    private let endpoint: URL
    private let generatorURL: String?
    private let resendInterval: TimeInterval
    private var lastSend: Date?
    private var failing = false

    /// Creates a sink for the Alertmanager at `baseURL` (e.g. `http://alertmanager:9093`).
    public init(baseURL: URL, generatorURL: String? = nil, resendInterval: TimeInterval = 60) {
        endpoint = baseURL.appendingPathComponent("api/v2/alerts")
        self.generatorURL = generatorURL
        self.resendInterval = resendInterval
    }

    /// Sends what this evaluation step requires. Returns a one-line message when delivery starts
    /// failing or works again (state changes only), else `nil`.
    public func deliver(events: [AlertEvent], firing: [Alert], now: Date) async -> String? {
        let resend = lastSend.map { now.timeIntervalSince($0) >= resendInterval } ?? true
        var payload: [AlertmanagerAlert] = []
        let newlyFiring = Set(events.filter { $0.kind == .firing }.map(\.alert.identity))
        for alert in firing where resend || newlyFiring.contains(alert.identity) {
            payload.append(AlertmanagerAlert(alert, endsAt: nil, generatorURL: generatorURL))
        }
        for event in events where event.kind == .resolved {
            payload.append(AlertmanagerAlert(event.alert, endsAt: event.time, generatorURL: generatorURL))
        }
        guard !payload.isEmpty else { return nil }
        if resend { lastSend = now }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(JSONOutput.line(payload).utf8)
        request.timeoutInterval = 5
        let problem: String?
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            problem = (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch {
            problem = error.localizedDescription
        }
        switch (problem, failing) {
        case (let problem?, false):
            failing = true
            return "alertmanager \(endpoint.absoluteString): delivery failing: \(problem)"
        case (nil, true):
            failing = false
            return "alertmanager \(endpoint.absoluteString): delivery works again"
        default:
            return nil
        }
    }
}
