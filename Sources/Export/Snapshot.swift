import Alerts
import Foundation
import Metrics
import Telemetry

/// Everything a snapshot exports: what the dashboard (or `snapshot`) knew at one moment.
public struct Snapshot: Sendable {
    /// The tool's version.
    public var toolVersion: String
    /// The endpoint as printed, without a password.
    public var endpoint: String
    /// The node on display (the manifest's server version and key totals are its).
    public var node: String
    /// The metric store.
    public var store: any SeriesReading
    /// Key sampling per node, where it ran.
    public var keyspaces: [String: KeyspaceFigures]
    /// Alert events in order, and the alerts active at the end.
    public var events: [AlertEvent]
    /// Alerts firing or pending at `takenAt`.
    public var active: [Alert]
    /// The first tick exported (seconds since 1970); earlier ticks are left out.
    public var windowStart: Double
    /// When the snapshot was taken.
    public var takenAt: Date
    /// Where the shown node's keyspace figures come from when not from key sampling: an RDB
    /// file (`scan --rdb`'s reading of the whole keyspace) and when it was saved.
    public var keyspaceDump: (path: String, savedAt: Date)?

    /// Creates a snapshot.
    public init(
        toolVersion: String, endpoint: String, node: String, store: any SeriesReading,
        keyspaces: [String: KeyspaceFigures],
        events: [AlertEvent], active: [Alert], windowStart: Double, takenAt: Date
    ) {
        self.toolVersion = toolVersion
        self.endpoint = endpoint
        self.node = node
        self.store = store
        self.keyspaces = keyspaces
        self.events = events
        self.active = active
        self.windowStart = windowStart
        self.takenAt = takenAt
    }
}

/// How exports treat untrusted text.
public struct ExportOptions: Sendable, Hashable {
    /// Prefix text cells that start like a spreadsheet formula with `'` (default on).
    public var neutralizesFormulas: Bool
    /// Replace key names by stable tokens (``KeyRedaction``) everywhere.
    public var redactsKeys: Bool

    /// Creates options; the defaults are the safe ones.
    public init(neutralizesFormulas: Bool = true, redactsKeys: Bool = false) {
        self.neutralizesFormulas = neutralizesFormulas
        self.redactsKeys = redactsKeys
    }
}
