import Alerts
import Engine
import Export
import Foundation
import Metrics
import Synchronization
import Telemetry

/// `--record DIR`: writes what the engine knew at each step into the recording's store (see
/// ``RecordingSchema``) — every node's ticks, the alert events, the notices — as it arrives.
///
/// The engine's consumer calls ``record(_:state:)`` after each step; ticks are encoded there
/// (a few tens of microseconds each) and a writer thread commits what came in once a second, in
/// one transaction: a crash or a `SIGKILL` loses at most the last second, and leaves the store
/// readable (WAL). Old data is pruned while recording (``retention``, ``maxBytes``). A write that
/// fails — a full disk — is told once through `report` and recording stops; monitoring goes on.
public final class Recorder: Sendable {
    /// A keyframe (a whole tick) every this many ticks of a node; changes in between.
    public static let keyframeEvery = 60
    /// Seconds between two records of a node's keyspace figures (they move over minutes).
    public static let keyspaceEvery: TimeInterval = 60
    /// The default retention: 7 days.
    public static let defaultRetention: TimeInterval = 7 * 86_400
    /// The default size limit: 2 GB.
    public static let defaultMaxBytes: Int64 = 2_000_000_000

    /// The recording's directory.
    public let directory: String
    /// Data older than this (seconds) is pruned.
    public let retention: TimeInterval
    /// The store is kept under this size (the oldest data pruned first).
    public let maxBytes: Int64

    private struct Pending {
        var names: [(id: Int64, name: String)] = []
        var nodes: [(id: Int64, name: String)] = []
        var ticks: [TickRow] = []
        var alerts: [AlertEvent] = []
        var notices: [(time: Date, text: String)] = []
        var keyspaces: [(node: Int64, time: Int64, record: [UInt8])] = []
        var pending: [(time: Date, kind: String, alert: Alert)] = []
        var isEmpty: Bool {
            ticks.isEmpty && alerts.isEmpty && notices.isEmpty && names.isEmpty && nodes.isEmpty && keyspaces.isEmpty
                && pending.isEmpty
        }
    }

    private struct TickRow {
        var node: Int64
        var time: Int64
        var keyframe: Bool
        var up: Bool
        var figures: [Double?]
        var record: [UInt8]
    }

    /// What encodes ticks (the consumer's side).
    private struct Encoding {
        var names: [String: Int64]
        var nodes: [String: Int64]
        var encoders: [String: TickEncoder] = [:]
        var sinceKeyframe: [String: Int] = [:]
        /// When each node's keyspace view was last recorded.
        var keyspaceRecorded: [String: Date] = [:]
        /// The start of each node's profile recorded last.
        var profileRecorded: [String: Date] = [:]
        /// The number of `node`, given now (and added to `new`) if it has none yet.
        mutating func nodeID(_ node: String, new: inout [(id: Int64, name: String)]) -> Int64 {
            if let known = nodes[node] { return known }
            let id = Int64(nodes.count + 1)
            nodes[node] = id
            new.append((id, node))
            return id
        }
        /// The alerts pending at the last step, by identity, with when each was last written.
        var pending: [String: (alert: Alert, written: Date)] = [:]
    }

    private let encoding: Mutex<Encoding>
    /// CPU time spent so far: encoding ticks (on the callers' threads) and writing (the writer).
    private let cpu = Mutex((encoding: Duration.zero, writing: Duration.zero))

    /// The CPU time recording has taken so far: encoding ticks on the engine's thread, and the
    /// writer thread's transactions and pruning.
    public var cpuTime: (encoding: Duration, writing: Duration) { cpu.withLock { $0 } }
    private let pending = Mutex(Pending())
    private let stopped = Atomic<Bool>(false)
    private let report: @Sendable (String) -> Void
    private let clock: any WallClock
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let flushEvery: TimeInterval
    /// Seconds between two prunings (wall time).
    private let pruneEvery: TimeInterval
    /// The writer thread's database (only it touches it after start).
    private nonisolated(unsafe) let database: SQLiteDatabase
    /// The lock that keeps a second cachewatch from recording into the same directory (held
    /// until the process ends).
    private let lock: RecordingLock

    /// The figures kept as columns for SQL.
    static let columns: [Metric] = [.hitRatio, .opsPerSec, .usedMemoryBytes, .evictedPerSec]

    /// Opens (or creates) the recording in `directory` and starts the writer.
    ///
    /// - Parameters:
    ///   - metadata: written to `meta` (the endpoints without passwords, the interval…).
    ///   - report: told once when recording stops on an error (one line).
    /// - Throws: ``RecordingError`` when the directory cannot be made or written, or holds a
    ///   store of a newer schema.
    public init(
        directory: String, retention: TimeInterval = Recorder.defaultRetention,
        maxBytes: Int64 = Recorder.defaultMaxBytes, metadata: [String: String] = [:], clock: any WallClock = .system,
        flushEvery: TimeInterval = 1, pruneEvery: TimeInterval = 60, report: @escaping @Sendable (String) -> Void
    ) throws(RecordingError) {
        self.directory = directory
        self.retention = retention
        self.maxBytes = maxBytes
        self.clock = clock
        self.flushEvery = flushEvery
        self.pruneEvery = pruneEvery
        self.report = report
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecordingError("cannot make the recording directory \(directory): \(error.localizedDescription)")
        }
        lock = try RecordingLock(directory: directory)
        let path = (directory as NSString).appendingPathComponent(RecordingSchema.fileName)
        do {
            database = try SQLiteDatabase(path: path, create: true)
            if let version = RecordingSchema.version(of: database), version > RecordingSchema.version {
                throw RecordingError(
                    "\(directory) holds a recording of a newer cachewatch (schema \(version); this one writes \(RecordingSchema.version))"
                )
            }
            try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            try database.execute(RecordingSchema.create)
            for table in ["alerts", "pending"] where !RecordingSchema.hasRunbookColumns(table, in: database) {
                for (column, definition) in RecordingSchema.runbookColumns {
                    try database.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(definition)")
                }
            }
            var meta = metadata
            meta["schema_version"] = String(RecordingSchema.version)
            meta["retention_seconds"] = String(Int(retention))
            meta["max_bytes"] = String(maxBytes)
            if try database.integer("SELECT count(*) FROM meta WHERE key = 'created_ms'") == 0 {
                meta["created_ms"] = String(Int64(clock.now.timeIntervalSince1970 * 1000))
            }
            for (key, value) in meta {
                try database.run("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [.text(key), .text(value)])
            }
            let names = try database.rows("SELECT id, name FROM names") { ($0.text(1), $0.integer(0)) }
            let nodes = try database.rows("SELECT id, name FROM nodes") { ($0.text(1), $0.integer(0)) }
            encoding = Mutex(
                Encoding(
                    names: Dictionary(names, uniquingKeysWith: { first, _ in first }),
                    nodes: Dictionary(nodes, uniquingKeysWith: { first, _ in first })))
        } catch let error as RecordingError {
            throw error
        } catch let error as SQLiteError {
            throw RecordingError("cannot record into \(directory): \(error)")
        } catch {
            throw RecordingError("cannot record into \(directory): \(error)")
        }
        let thread = Thread { [self] in self.writeLoop() }
        thread.name = "cachewatch-recorder"
        thread.start()
    }

    /// Whether recording stopped (an error, or ``close()``).
    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Takes what a step of the engine did: the ticks of the nodes that reported (as the store
    /// holds them now), its alert events and notices.
    public func record(_ outcome: EngineOutcome, state: EngineState) {
        guard !isStopped else { return }
        let ticks = outcome.samples.compactMap { sample in
            state.store[sample.node].map { (node: sample.node, tick: $0.tick(of: sample)) }
        }
        record(ticks: ticks, alertEvents: outcome.alertEvents, notices: outcome.notices)
        // Each reporting node's keyspace view (sampled figures, key ends, its newest profile),
        // once every `keyspaceEvery` of its ticks' time, and at once when a new profile came in.
        let due = encoding.withLock { encoding in
            ticks.compactMap { node, tick -> (String, Date, RecordedKeyspace)? in
                guard let nodeState = state.node(node),
                    nodeState.keyspace != nil || nodeState.invalidation != nil || nodeState.profile != nil
                else { return nil }
                let time = Date(timeIntervalSince1970: tick.time)
                let last = encoding.keyspaceRecorded[node]
                let newProfile = nodeState.profile.map { $0.startedAt != encoding.profileRecorded[node] } ?? false
                guard newProfile || (last.map { time.timeIntervalSince($0) >= Self.keyspaceEvery || time < $0 } ?? true)
                else { return nil }
                encoding.keyspaceRecorded[node] = time
                encoding.profileRecorded[node] = nodeState.profile?.startedAt
                return (
                    node, time,
                    RecordedKeyspace(
                        figures: nodeState.keyspace, keyEnds: nodeState.keyEnds, profile: nodeState.profile)
                )
            }
        }
        if !due.isEmpty { record(keyspaces: due) }
        record(pending: state.ruleEngine.pending, now: outcome.samples.map(\.time).max() ?? clock.now)
    }

    /// Takes the alerts pending after a step at `now`: those that became pending, those whose
    /// value moved (at most every ``pendingValueEvery`` seconds), and those that no longer are.
    public func record(pending alerts: [Alert], now: Date) {
        guard !isStopped else { return }
        let changes = encoding.withLock { encoding -> [(time: Date, kind: String, alert: Alert)] in
            var changes: [(time: Date, kind: String, alert: Alert)] = []
            var current: [String: (alert: Alert, written: Date)] = [:]
            for alert in alerts.sorted(by: { $0.identity < $1.identity }) {
                if let known = encoding.pending[alert.identity],
                    known.alert.value == alert.value || now.timeIntervalSince(known.written) < Self.pendingValueEvery
                {
                    current[alert.identity] = known
                } else {
                    changes.append((now, Self.pendingKind, alert))
                    current[alert.identity] = (alert, now)
                }
            }
            for (identity, known) in encoding.pending.sorted(by: { $0.key < $1.key }) where current[identity] == nil {
                changes.append((now, Self.clearedKind, known.alert))
            }
            encoding.pending = current
            return changes
        }
        if !changes.isEmpty { pending.withLock { $0.pending += changes } }
    }

    /// A pending alert whose value moves is written again at most this often (seconds).
    public static let pendingValueEvery: TimeInterval = 10

    /// The `kind` of a `pending` row: became pending, or no longer is.
    static let pendingKind = "pending"
    static let clearedKind = "cleared"

    /// Takes what nodes' keyspace views show at a time (each written as one record).
    public func record(keyspaces: [(node: String, time: Date, keyspace: RecordedKeyspace)]) {
        guard !isStopped else { return }
        let started = ThreadCPUClock.now()
        defer { cpu.withLock { $0.encoding += ThreadCPUClock.now() - started } }
        var newNodes: [(id: Int64, name: String)] = []
        let rows = encoding.withLock { encoding in
            keyspaces.map { node, time, keyspace -> (node: Int64, time: Int64, record: [UInt8]) in
                (encoding.nodeID(node, new: &newNodes), Self.milliseconds(time), KeyspaceRecord.encode(keyspace))
            }
        }
        pending.withLock { pending in
            pending.nodes += newNodes
            pending.keyspaces += rows
        }
    }

    /// Takes ticks of nodes (each node's in time order), alert events and notices, as they come.
    public func record(ticks: [(node: String, tick: NodeTick)], alertEvents: [AlertEvent], notices: [String]) {
        guard !isStopped else { return }
        let started = ThreadCPUClock.now()
        defer { cpu.withLock { $0.encoding += ThreadCPUClock.now() - started } }
        var rows: [TickRow] = []
        var newNames: [(Int64, String)] = []
        var newNodes: [(id: Int64, name: String)] = []
        encoding.withLock { encoding in
            for (node, tick) in ticks {
                let nodeID = encoding.nodeID(node, new: &newNodes)
                var encoder = encoding.encoders[node] ?? TickEncoder()
                let count = encoding.sinceKeyframe[node] ?? 0
                let keyframe = encoder.needsKeyframe || count >= Self.keyframeEvery - 1
                let record = encoder.encode(tick, keyframe: keyframe) { name in
                    if let id = encoding.names[name] { return UInt64(id) }
                    let id = Int64(encoding.names.count + 1)
                    encoding.names[name] = id
                    newNames.append((id, name))
                    return UInt64(id)
                }
                encoding.encoders[node] = encoder
                encoding.sinceKeyframe[node] = keyframe ? 0 : count + 1
                rows.append(
                    TickRow(
                        node: nodeID, time: Int64((tick.time * 1000).rounded(.down)), keyframe: keyframe,
                        up: tick.failure == nil, figures: Self.columns.map { tick.values[.metric($0)] },
                        record: record))
            }
        }
        let now = clock.now
        pending.withLock { pending in
            pending.names += newNames.map { (id: $0.0, name: $0.1) }
            pending.nodes += newNodes.map { (id: $0.0, name: $0.1) }
            pending.ticks += rows
            pending.alerts += alertEvents
            pending.notices += notices.map { (time: now, text: $0) }
        }
    }

    /// Writes what is pending and stops the writer (waits for it).
    public func close() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
        lock.release()
    }

    // MARK: - The writer thread

    private func writeLoop() {
        var lastPrune = Date.distantPast
        while true {
            let closing = wake.wait(timeout: .now() + flushEvery) == .success || isStopped
            let batch = pending.withLock { pending in
                defer { pending = Pending() }
                return pending
            }
            let started = ThreadCPUClock.now()
            defer { cpu.withLock { $0.writing += ThreadCPUClock.now() - started } }
            do {
                if !batch.isEmpty { try write(batch) }
                if Date().timeIntervalSince(lastPrune) >= pruneEvery {
                    lastPrune = Date()
                    try prune()
                }
            } catch {
                fail(error)
                break
            }
            if closing {
                // The store whole in its main file: the write-ahead log folded in.
                try? database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                break
            }
        }
        finished.signal()
    }

    private func write(_ batch: Pending) throws(SQLiteError) {
        try database.execute("BEGIN")
        do {
            for (id, name) in batch.nodes {
                try database.run("INSERT OR IGNORE INTO nodes(id, name) VALUES (?, ?)", [.integer(id), .text(name)])
            }
            for (id, name) in batch.names {
                try database.run("INSERT OR IGNORE INTO names(id, name) VALUES (?, ?)", [.integer(id), .text(name)])
            }
            let tick = try database.prepare(
                """
                INSERT OR REPLACE INTO ticks(node, t_ms, keyframe, up, hit_ratio, ops_per_sec, used_memory_bytes,
                    evicted_per_sec, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in batch.ticks {
                try tick.bind(
                    [.integer(row.node), .integer(row.time), .integer(row.keyframe ? 1 : 0), .integer(row.up ? 1 : 0)]
                        + row.figures.map { $0.map(SQLiteValue.real) ?? .null } + [.blob(row.record)])
                try tick.stepToEnd()
            }
            let alert = try database.prepare(Self.insertAlert("alerts"))
            for event in batch.alerts {
                try Self.bind(alert, time: event.time, kind: event.kind.rawValue, event.alert)
                try alert.stepToEnd()
            }
            let pendingRow = try database.prepare(Self.insertAlert("pending"))
            for change in batch.pending {
                try Self.bind(pendingRow, time: change.time, kind: change.kind, change.alert)
                try pendingRow.stepToEnd()
            }
            for notice in batch.notices {
                try database.run(
                    "INSERT INTO notices(t_ms, text) VALUES (?, ?)",
                    [.integer(Self.milliseconds(notice.time)), .text(notice.text)])
            }
            for row in batch.keyspaces {
                try database.run(
                    "INSERT OR REPLACE INTO keyspace(node, t_ms, record) VALUES (?, ?, ?)",
                    [.integer(row.node), .integer(row.time), .blob(row.record)])
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// The insert of an alert row into `table` (`alerts` or `pending`: the same columns).
    private static func insertAlert(_ table: String) -> String {
        """
        INSERT INTO \(table)(t_ms, kind, alertname, severity, node, identity, labels, value, summary, cause,
            state, active_since_ms, fired_ms, last_true_ms, description, runbook_url)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    }

    /// Binds an alert row: `alert` at `time`, of `kind`.
    private static func bind(_ statement: SQLiteStatement, time: Date, kind: String, _ alert: Alert) throws(SQLiteError)
    {
        let labels =
            "{"
            + alert.labels.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(JSONText.string($0.value))" }
            .joined(separator: ",") + "}"
        try statement.bind([
            .integer(milliseconds(time)), .text(kind), .text(alert.name), .text(alert.severity.rawValue),
            alert.labels["node"].map(SQLiteValue.text) ?? .null, .text(alert.identity), .text(labels),
            .real(alert.value), .text(alert.summary), alert.cause.map(SQLiteValue.text) ?? .null,
            .text(alert.state.rawValue), .integer(milliseconds(alert.activeSince)),
            alert.firedAt.map { .integer(milliseconds($0)) } ?? .null, .integer(milliseconds(alert.lastTrue)),
            .text(alert.description), .text(alert.runbookURL),
        ])
    }

    /// Prunes data past the retention, then the oldest data while the store is over its size.
    private func prune() throws(SQLiteError) {
        let cutoff = Self.milliseconds(clock.now) - Int64(retention * 1000)
        try deleteBefore(cutoff)
        var rounds = 0
        while try size() > maxBytes, rounds < 20 {
            rounds += 1
            guard let first = try database.integer("SELECT min(t_ms) FROM ticks"),
                let last = try database.integer("SELECT max(t_ms) FROM ticks"), last > first
            else { break }
            // A tenth of what is kept, oldest first.
            try deleteBefore(first + max(1, (last - first) / 10))
            try database.execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA incremental_vacuum;")
        }
    }

    private func deleteBefore(_ cutoff: Int64) throws(SQLiteError) {
        try database.run("DELETE FROM ticks WHERE t_ms < ?", [.integer(cutoff)])
        try database.run("DELETE FROM alerts WHERE t_ms < ?", [.integer(cutoff)])
        try database.run("DELETE FROM notices WHERE t_ms < ?", [.integer(cutoff)])
        try database.run("DELETE FROM keyspace WHERE t_ms < ?", [.integer(cutoff)])
        try database.run("DELETE FROM pending WHERE t_ms < ?", [.integer(cutoff)])
    }

    /// The store's size on disk, its write-ahead log included.
    func size() throws(SQLiteError) -> Int64 {
        let pages = try database.integer("PRAGMA page_count") ?? 0
        let pageSize = try database.integer("PRAGMA page_size") ?? 4096
        let wal = (try? FileManager.default.attributesOfItem(atPath: database.path + "-wal")[.size] as? Int64) ?? 0
        return pages * pageSize + wal
    }

    private func fail(_ error: any Error) {
        stopped.store(true, ordering: .releasing)
        pending.withLock { $0 = Pending() }
        let reason: String
        switch error as? SQLiteError {
        case let failure? where failure.isFull: reason = "the disk is full (\(failure))"
        case let failure? where failure.isInputOutput:
            reason = "a write failed — a full disk or a file-size limit? (\(failure))"
        case let failure?: reason = failure.description
        case nil: reason = "\(error)"
        }
        report("recording stopped: cannot write \(directory): \(reason); monitoring goes on")
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
