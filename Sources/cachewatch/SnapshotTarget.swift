import Alerts
import Dashboard
import Export
import Foundation
import Metrics

/// Where and how the dashboard's `e` key writes a snapshot of what is shown.
struct SnapshotTarget {
    /// The directory snapshot directories are written in.
    let directory: String
    /// Key redaction and the formula guard.
    let options: ExportOptions
    /// The endpoint as printed (no password).
    let endpoint: String

    /// Writes the shown state (the frozen one while paused) over the graph window; returns the
    /// message line for the footer: where it went, or why it failed. Never throws: the
    /// dashboard keeps running.
    func write(
        state: DashboardState, keyspaces: [String: KeyspaceSampling], events: [AlertEvent], engine: RuleEngine
    ) -> String {
        let snapshot = Snapshot(
            toolVersion: CachewatchVersion.current, endpoint: endpoint, node: state.node, store: state.store,
            keyspaces: keyspaces, events: events, active: engine.firing + engine.pending,
            windowStart: state.now.timeIntervalSince1970 - Double(state.windowSeconds), takenAt: state.now)
        do {
            let path = try SnapshotWriter(options: options).write(snapshot, into: directory)
            return "snapshot written to \(path)"
        } catch {
            return "snapshot failed: \(error.description)"
        }
    }
}
