import Alerts

/// An alert event and the second of a scenario it came at (the virtual-time scenarios).
struct TimedAlertEvent: CustomStringConvertible {
    var second: Int
    var event: AlertEvent
    var description: String { "\(second) s: \(event.kind) \(event.alert.identity) — \(event.alert.summary)" }
}
