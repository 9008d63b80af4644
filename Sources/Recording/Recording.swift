import Alerts
import Foundation
import Metrics
import Telemetry

/// A recording opened for reading (``Recorder`` wrote it): its nodes, its time span, its ticks
/// in time order from any moment, its alert events and notices. It may be open for writing at
/// the same time (WAL: a reader sees what was committed when it asks).
public final class Recording {
    /// The recording's directory.
    public let directory: String
    /// The schema version of its store.
    public let schemaVersion: Int
    /// `meta`, as written.
    public let metadata: [String: String]
    private let database: SQLiteDatabase
    private var names: [Int64: String] = [:]
    private var nodeNames: [Int64: String] = [:]
    /// The names, parsed once each across reads.
    private let tickNames = TickNames([:])
    /// Whether the store keeps keyspace figures (schema 2 on).
    private let hasKeyspace: Bool
    /// Whether the store keeps pending alerts (schema 2 on).
    private let hasPending: Bool
    /// Whether alerts carry their rule's description and runbook (schema 3 and later).
    private let hasRunbooks: Bool
    /// The keyspace figures read last of each node, and their time in milliseconds.
    private var keyspaceRead: [Int64: (time: Int64, keyspace: RecordedKeyspace)] = [:]

    /// Opens the recording in `directory`.
    ///
    /// - Throws: ``RecordingError`` in one line: no recording there, one of a newer cachewatch,
    ///   a damaged store.
    public init(directory: String) throws(RecordingError) {
        self.directory = directory
        let path = (directory as NSString).appendingPathComponent(RecordingSchema.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw RecordingError("no recording in \(directory) (no \(RecordingSchema.fileName))")
        }
        do {
            database = try SQLiteDatabase(path: path, readOnly: true)
            guard let version = RecordingSchema.version(of: database) else {
                throw RecordingError("\(path) is not a cachewatch recording (no schema version)")
            }
            guard version <= RecordingSchema.version else {
                throw RecordingError(
                    "\(directory) was recorded by a newer cachewatch (schema \(version); this one reads up to \(RecordingSchema.version))"
                )
            }
            schemaVersion = version
            let tables = Set(try database.rows("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) })
            hasKeyspace = tables.contains("keyspace")
            hasPending = tables.contains("pending")
            hasRunbooks = RecordingSchema.hasRunbookColumns("alerts", in: database)
            metadata = Dictionary(
                try database.rows("SELECT key, value FROM meta") { ($0.text(0), $0.text(1)) },
                uniquingKeysWith: { first, _ in first })
            try loadNames()
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError("cannot read the recording in \(directory): \(error)")
        }
    }

    /// Reads the names and nodes written so far (a recording being written adds some).
    private func loadNames() throws(SQLiteError) {
        for (id, name) in try database.rows("SELECT id, name FROM names", row: { ($0.integer(0), $0.text(1)) }) {
            names[id] = name
        }
        for (id, name) in try database.rows("SELECT id, name FROM nodes", row: { ($0.integer(0), $0.text(1)) }) {
            nodeNames[id] = name
        }
    }

    /// The nodes recorded, in the order they first reported.
    public func nodes() throws(RecordingError) -> [String] {
        try query {
            try loadNames()
            return try database.rows("SELECT node, min(t_ms) AS first FROM ticks GROUP BY node ORDER BY first, node") {
                $0.integer(0)
            }.compactMap { nodeNames[$0] }
        }
    }

    /// The first and last tick's times (seconds since 1970); `nil` when nothing was recorded.
    public func span() throws(RecordingError) -> ClosedRange<Double>? {
        try query {
            guard let first = try database.integer("SELECT min(t_ms) FROM ticks"),
                let last = try database.integer("SELECT max(t_ms) FROM ticks")
            else { return nil }
            return Double(first) / 1000...Double(last) / 1000
        }
    }

    /// Figures older than this before the moment asked for are not shown: sampling had stopped.
    public static let keyspaceStaleAfter: TimeInterval = 5 * Recorder.keyspaceEvery

    /// What `node`'s keyspace view showed as recorded last at or before `time` (seconds since
    /// 1970); `nil` when nothing was in the ``keyspaceStaleAfter`` before it (or the store has
    /// none). The last record read of each node is kept: moving on within a minute decodes nothing.
    public func keyspace(of node: String, at time: Double) throws(RecordingError) -> RecordedKeyspace? {
        guard hasKeyspace else { return nil }
        return try query {
            guard let id = try nodeID(of: node) else { return nil }
            let end = Int64((time * 1000).rounded(.down))
            guard
                let taken = try database.integer(
                    "SELECT max(t_ms) FROM keyspace WHERE node = ? AND t_ms <= ? AND t_ms >= ?",
                    [.integer(id), .integer(end), .integer(end - Int64(Self.keyspaceStaleAfter * 1000))])
            else { return nil }
            if let held = keyspaceRead[id], held.time == taken { return held.keyspace }
            let records = try database.rows(
                "SELECT record FROM keyspace WHERE node = ? AND t_ms = ?", [.integer(id), .integer(taken)]
            ) { $0.blob(0) }
            guard let record = records.first else { return nil }
            let keyspace = try KeyspaceRecord.decode(record)
            keyspaceRead[id] = (taken, keyspace)
            return keyspace
        }
    }

    /// The number `node` has in the store (the names read again when it is not known yet: a
    /// recording being written adds nodes).
    private func nodeID(of node: String) throws(SQLiteError) -> Int64? {
        if let id = nodeNames.first(where: { $0.value == node })?.key { return id }
        try loadNames()
        return nodeNames.first { $0.value == node }?.key
    }

    /// When `node`'s keyspace was recorded (seconds since 1970), oldest first.
    func keyspaceTimes(of node: String) throws(RecordingError) -> [Double] {
        guard hasKeyspace else { return [] }
        return try query {
            guard let id = try nodeID(of: node) else { return [] }
            return try database.rows("SELECT t_ms FROM keyspace WHERE node = ? ORDER BY t_ms", [.integer(id)]) {
                Double($0.integer(0)) / 1000
            }
        }
    }

    /// One node's tick, restored: which node, and the tick.
    public struct Tick: Sendable {
        /// The node.
        public var node: String
        /// The tick.
        public var tick: NodeTick
    }

    /// The ticks from `start` to `end` (seconds since 1970, both included; `nil`: open), every
    /// node's, in time order. Each node is decoded from its last keyframe at or before `start`
    /// (those earlier ticks are read but not returned unless `warmUp` is set, which returns them
    /// too — a store rebuilt for a view needs its history).
    public func ticks(
        from start: Double? = nil, to end: Double? = nil, warmUp: Double = 0
    ) throws(RecordingError)
        -> [Tick]
    {
        try ticks(from: start, to: end, warmUp: warmUp, wholeFrom: nil)
    }

    /// ``ticks(from:to:warmUp:)``, each tick before `wholeFrom` (seconds since 1970) read for
    /// its series values alone (no labelled metrics, no INFO): history for graphs, read fast.
    /// The whole ticks start at each node's last keyframe at or before `wholeFrom`.
    func ticks(
        from start: Double?, to end: Double?, warmUp: Double, wholeFrom: Double?
    ) throws(RecordingError)
        -> [Tick]
    {
        try query {
            try loadNames()
            let startMs = start.map { Int64(($0 - warmUp) * 1000) } ?? Int64.min
            let endMs = end.map { Int64(($0 * 1000).rounded(.up)) } ?? Int64.max
            // Each node from its last keyframe at or before the start.
            var from: [Int64: Int64] = [:]
            for node in nodeNames.keys {
                let keyframe = try database.integer(
                    "SELECT max(t_ms) FROM ticks WHERE node = ? AND keyframe = 1 AND t_ms <= ?",
                    [.integer(node), .integer(startMs)])
                from[node] = keyframe ?? startMs
            }
            // Where each node's whole ticks start: its last keyframe at or before `wholeFrom`.
            var whole: [Int64: Int64] = [:]
            if let wholeFrom {
                let wholeMs = Int64((wholeFrom * 1000).rounded(.down))
                for node in nodeNames.keys {
                    whole[node] = try database.integer(
                        "SELECT max(t_ms) FROM ticks WHERE node = ? AND keyframe = 1 AND t_ms <= ?",
                        [.integer(node), .integer(wholeMs)])
                }
            }
            let earliest = from.values.min() ?? startMs
            let statement = try database.prepare(
                "SELECT node, t_ms, record FROM ticks WHERE t_ms >= ? AND t_ms <= ? ORDER BY t_ms, node")
            try statement.bind([.integer(earliest), .integer(endMs)])
            var decoders: [Int64: TickDecoder] = [:]
            var ticks: [Tick] = []
            tickNames.merge(names)
            while try statement.step() {
                let node = statement.integer(0)
                let time = statement.integer(1)
                guard time >= from[node] ?? startMs, let name = nodeNames[node] else { continue }
                var decoder = decoders[node] ?? TickDecoder()
                let record = statement.blob(2)
                do {
                    let valuesOnly = whole[node].map { time < $0 } ?? false
                    let tick = try decoder.decode(record, names: tickNames, valuesOnly: valuesOnly)
                    decoders[node] = decoder
                    ticks.append(Tick(node: name, tick: tick))
                } catch {
                    // A change with no keyframe before it (pruned) or a damaged record: wait for
                    // the node's next keyframe.
                    decoder.reset()
                    decoders[node] = decoder
                }
            }
            let returnFrom = start.map { $0 - warmUp } ?? -Double.infinity
            return ticks.filter { $0.tick.time >= returnFrom }
        }
    }

    /// The time of the first tick of any node after `time`; `nil` when there is none.
    public func tickTime(after time: Double) throws(RecordingError) -> Double? {
        try query {
            try database.integer(
                "SELECT min(t_ms) FROM ticks WHERE t_ms > ?", [.integer(Int64((time * 1000).rounded(.down)))]
            ).map { Double($0) / 1000 }
        }
    }

    /// The time of the last tick of any node before `time`; `nil` when there is none.
    public func tickTime(before time: Double) throws(RecordingError) -> Double? {
        try query {
            try database.integer(
                "SELECT max(t_ms) FROM ticks WHERE t_ms < ?", [.integer(Int64((time * 1000).rounded(.down)))]
            ).map { Double($0) / 1000 }
        }
    }

    /// The alert events from `start` to `end`, oldest first.
    public func alertEvents(from start: Double? = nil, to end: Double? = nil) throws(RecordingError) -> [AlertEvent] {
        try query {
            try alertRows("alerts", from: start, to: end).compactMap { time, kind, alert in
                AlertEvent.Kind(rawValue: kind).map { AlertEvent(kind: $0, alert: alert, time: time) }
            }
        }
    }

    /// When alerts became pending (`true`) and stopped being pending (`false`), oldest first;
    /// none in a store of schema 1.
    public func pendingChanges() throws(RecordingError) -> [(time: Date, isPending: Bool, alert: Alert)] {
        guard hasPending else { return [] }
        return try query {
            try alertRows("pending", from: nil, to: nil).map { time, kind, alert in
                (time, kind == Recorder.pendingKind, alert)
            }
        }
    }

    /// The rows of `table` (`alerts` or `pending`) from `start` to `end`: time, kind, alert.
    private func alertRows(
        _ table: String, from start: Double?, to end: Double?
    ) throws(SQLiteError) -> [(Date, String, Alert)] {
        try database.rows(
            """
            SELECT t_ms, kind, alertname, severity, labels, value, summary, cause, state, active_since_ms,
                fired_ms, last_true_ms, \(hasRunbooks ? "description, runbook_url" : "'', ''")
            FROM \(table) WHERE t_ms >= ? AND t_ms <= ? ORDER BY t_ms, rowid
            """, Self.bounds(start, end)
        ) { row -> (Date, String, Alert)? in
            guard let severity = Severity(rawValue: row.text(3)), let state = Alert.State(rawValue: row.text(8))
            else { return nil }
            let labels =
                (try? JSONSerialization.jsonObject(with: Data(row.text(4).utf8)) as? [String: String]) ?? [:]
            var alert = Alert(
                name: row.text(2), labels: labels, state: state, severity: severity, value: row.real(5),
                summary: row.text(6), activeSince: Self.date(row.integer(9)),
                firedAt: row.isNull(10) ? nil : Self.date(row.integer(10)), lastTrue: Self.date(row.integer(11)))
            alert.cause = row.isNull(7) ? nil : row.text(7)
            alert.description = row.text(12)
            alert.runbookURL = row.text(13)
            return (Self.date(row.integer(0)), row.text(1), alert)
        }.compactMap { $0 }
    }

    /// The notices from `start` to `end`, oldest first.
    public func notices(
        from start: Double? = nil, to end: Double? = nil
    ) throws(RecordingError) -> [(
        time: Date, text: String
    )] {
        try query {
            try database.rows(
                "SELECT t_ms, text FROM notices WHERE t_ms >= ? AND t_ms <= ? ORDER BY t_ms, rowid",
                Self.bounds(start, end)
            ) { (time: Self.date($0.integer(0)), text: $0.text(1)) }
        }
    }

    private static func bounds(_ start: Double?, _ end: Double?) -> [SQLiteValue] {
        [
            .integer(start.map { Int64(($0 * 1000).rounded(.down)) } ?? Int64.min),
            .integer(end.map { Int64(($0 * 1000).rounded(.up)) } ?? Int64.max),
        ]
    }

    private static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// Runs `body`, its SQLite errors said as the recording's.
    private func query<Result>(_ body: () throws -> Result) throws(RecordingError) -> Result {
        do {
            return try body()
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError("cannot read the recording in \(directory): \(error)")
        }
    }
}
