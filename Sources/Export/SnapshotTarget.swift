import Alerts
import Foundation
import Metrics

/// Where and how the dashboard's `e` key writes a snapshot of what is shown.
public struct SnapshotTarget: Sendable {
    /// The directory snapshot directories are written in.
    public let directory: String
    /// Key redaction and the formula guard.
    public let options: ExportOptions
    /// The endpoint as printed (no password).
    public let endpoint: String
    /// The version recorded in manifests.
    public let toolVersion: String

    /// Creates a target.
    public init(directory: String, options: ExportOptions, endpoint: String, toolVersion: String) {
        self.directory = directory
        self.options = options
        self.endpoint = endpoint
        self.toolVersion = toolVersion
    }

    /// Writes what is shown (the frozen state while paused) — `node` first, `store` over the
    /// `windowSeconds` before `now` — and returns the message line for the footer: where it
    /// went, or why it failed. Never throws: the dashboard keeps running.
    public func write(
        node: String, store: any SeriesReading, keyspaces: [String: KeyspaceFigures], events: [AlertEvent],
        active: [Alert], windowSeconds: Int, now: Date
    ) -> String {
        let snapshot = Snapshot(
            toolVersion: toolVersion, endpoint: endpoint, node: node, store: store,
            keyspaces: keyspaces, events: events, active: active,
            windowStart: now.timeIntervalSince1970 - Double(windowSeconds), takenAt: now)
        do {
            let path = try SnapshotWriter(options: options).write(snapshot, into: directory)
            return "snapshot written to \(path)"
        } catch {
            return "snapshot failed: \(error)"
        }
    }
}
