/// The recording's store: one SQLite database, `cachewatch.db` in the recording's directory, in
/// WAL mode. Its schema is versioned (`meta.schema_version`): a cachewatch reads the versions it
/// knows and refuses newer ones in one line.
///
/// - `meta(key, value)`: `schema_version`, `created_ms`, `tool_version`, `interval_seconds`,
///   `endpoints` (passwords never written), `retention_seconds`, `max_bytes`.
/// - `nodes(id, name)`: each node once.
/// - `names(id, name)`: the names the tick records refer to by number — series (`hit_ratio`,
///   `db0_keys`), labelled metrics, labels (namespaces, slots, replicas) and INFO fields
///   (`section␟field`).
/// - `ticks(node, t_ms, keyframe, up, hit_ratio, ops_per_sec, used_memory_bytes,
///   evicted_per_sec, record)`: one row per node and poll. The four figures are there for SQL;
///   `record` holds the whole tick (see ``TickEncoder``): a keyframe every
///   ``Recorder/keyframeEvery`` ticks, changes in between.
/// - `alerts(t_ms, kind, alertname, severity, node, identity, labels, value, summary, cause,
///   state, active_since_ms, fired_ms, last_true_ms, description, runbook_url)`: every firing and
///   resolution (`labels` as JSON; the rule's description and runbook since version 3).
/// - `notices(t_ms, text)`: topology changes, connection states, refusals — the lines `watch`
///   printed on its error output.
/// - `keyspace(node, t_ms, record)` (since version 2): each node's keyspace view — what key
///   sampling said, how keys end, the newest profile — once every ``Recorder/keyspaceEvery``
///   seconds and when a profile finished (see ``KeyspaceRecord``).
/// - `pending(…)` (since version 2): the columns of `alerts`, for alerts about to fire: `kind`
///   `pending` when one became pending, `cleared` when it no longer is (it fired, or its
///   condition ended).
///
/// Version 1 had neither `keyspace` nor `pending`, version 2 no `description` and
/// `runbook_url`: they are read (a replay shows no keyspace figures, no pending alerts, alerts
/// without their runbooks), and a recorder appending to one adds what it lacks and makes it
/// version 3.
enum RecordingSchema {
    /// The version this cachewatch writes and the newest it reads.
    static let version = 3

    /// The columns version 3 added to `alerts` and `pending`, with their definitions: a recorder
    /// appending to an older store adds them (`ALTER TABLE … ADD COLUMN`).
    static let runbookColumns = [
        ("description", "TEXT NOT NULL DEFAULT ''"), ("runbook_url", "TEXT NOT NULL DEFAULT ''"),
    ]

    /// Whether `table` of `database` has the runbook columns (version 3 and later).
    static func hasRunbookColumns(_ table: String, in database: SQLiteDatabase) -> Bool {
        let columns = (try? database.rows("PRAGMA table_info(\(table))") { $0.text(1) }) ?? []
        return runbookColumns.allSatisfy { columns.contains($0.0) }
    }

    /// The database's file name inside the recording's directory.
    static let fileName = "cachewatch.db"

    /// Statements that make an empty store.
    static let create = """
        PRAGMA auto_vacuum = INCREMENTAL;
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS nodes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS ticks(
            node INTEGER NOT NULL REFERENCES nodes(id),
            t_ms INTEGER NOT NULL,
            keyframe INTEGER NOT NULL,
            up INTEGER NOT NULL,
            hit_ratio REAL, ops_per_sec REAL, used_memory_bytes REAL, evicted_per_sec REAL,
            record BLOB NOT NULL,
            PRIMARY KEY (node, t_ms)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ticks_by_time ON ticks(t_ms);
        CREATE TABLE IF NOT EXISTS alerts(
            t_ms INTEGER NOT NULL, kind TEXT NOT NULL, alertname TEXT NOT NULL, severity TEXT NOT NULL,
            node TEXT, identity TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, summary TEXT NOT NULL,
            cause TEXT, state TEXT NOT NULL, active_since_ms INTEGER NOT NULL, fired_ms INTEGER,
            last_true_ms INTEGER NOT NULL, description TEXT NOT NULL DEFAULT '', runbook_url TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS alerts_by_time ON alerts(t_ms);
        CREATE TABLE IF NOT EXISTS notices(t_ms INTEGER NOT NULL, text TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS notices_by_time ON notices(t_ms);
        CREATE TABLE IF NOT EXISTS pending(
            t_ms INTEGER NOT NULL, kind TEXT NOT NULL, alertname TEXT NOT NULL, severity TEXT NOT NULL,
            node TEXT, identity TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, summary TEXT NOT NULL,
            cause TEXT, state TEXT NOT NULL, active_since_ms INTEGER NOT NULL, fired_ms INTEGER,
            last_true_ms INTEGER NOT NULL, description TEXT NOT NULL DEFAULT '', runbook_url TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS pending_by_time ON pending(t_ms);
        CREATE TABLE IF NOT EXISTS keyspace(
            node INTEGER NOT NULL REFERENCES nodes(id),
            t_ms INTEGER NOT NULL,
            record BLOB NOT NULL,
            PRIMARY KEY (node, t_ms)
        ) WITHOUT ROWID;
        """

    /// The version a store says it has (`nil`: not a recording — no `meta` table or no version).
    static func version(of database: SQLiteDatabase) -> Int? {
        guard
            let text = try? database.rows("SELECT value FROM meta WHERE key = 'schema_version'", row: { $0.text(0) })
                .first
        else { return nil }
        return Int(text)
    }
}
