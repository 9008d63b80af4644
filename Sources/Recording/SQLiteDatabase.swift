import CSQLite
import Foundation

/// A connection to one SQLite database file: statements prepared, bound, stepped, finalized.
/// Not thread-safe: one owner at a time (the recorder's writer thread, or a reader).
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    /// The file.
    let path: String

    /// Opens `path` (created when `create`), read-only when `readOnly`.
    init(path: String, readOnly: Bool = false, create: Bool = false) throws(SQLiteError) {
        self.path = path
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw SQLiteError(code: code & 0xFF, description: "cannot open \(path): \(message)")
        }
        sqlite3_extended_result_codes(handle, 0)
        // A reader waits for a writer's checkpoint rather than failing at once.
        sqlite3_busy_timeout(handle, 2_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs `sql` (one or more statements, no parameters).
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(code: code & 0xFF, description: "\(text) (\(Self.firstWords(of: sql)))")
        }
    }

    /// Prepares `sql`.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code & 0xFF, description: "\(errorMessage) (\(Self.firstWords(of: sql)))")
        }
        return SQLiteStatement(statement, database: self)
    }

    /// Runs `sql` with `values` bound in order.
    func run(_ sql: String, _ values: [SQLiteValue]) throws(SQLiteError) {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.stepToEnd()
    }

    /// The rows of `sql` with `values` bound, each read by `row`.
    func rows<Row>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) -> Row
    ) throws(SQLiteError)
        -> [Row]
    {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [Row] = []
        while try statement.step() { rows.append(row(statement)) }
        return rows
    }

    /// The first column of the first row of `sql` as an integer (`nil`: no row, or NULL).
    func integer(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int64? {
        try rows(sql, values) { $0.isNull(0) ? nil : $0.integer(0) }.first ?? nil
    }

    /// The rowid of the last insert.
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The connection's newest error message.
    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// The first words of a statement, to name it in an error.
    private static func firstWords(of sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
    }
}
