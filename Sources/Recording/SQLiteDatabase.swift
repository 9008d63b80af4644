import CSQLite
import Foundation

/// Why a SQLite call failed, in one line: the operation, SQLite's message and its result code.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// SQLite's primary result code (`SQLITE_FULL`, `SQLITE_BUSY`…).
    public let code: Int32
    /// What was being done and SQLite's message.
    public let description: String

    /// Whether the disk is full (`SQLITE_FULL`).
    public var isFull: Bool { code == SQLITE_FULL }

    /// Whether a read or write of the file failed (`SQLITE_IOERR`: a full disk or a file-size
    /// limit shows as one too).
    public var isInputOutput: Bool { code == SQLITE_IOERR }
}

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

/// A value bound to a statement's parameter.
enum SQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}

/// One prepared statement.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase

    fileprivate init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `values` to the parameters in order (after a reset).
    func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .real(let number): code = sqlite3_bind_double(statement, index, number)
            case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, cachewatch_sqlite_transient())
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(
                        statement, index, raw.baseAddress, Int32(raw.count), cachewatch_sqlite_transient())
                }
            case .null: code = sqlite3_bind_null(statement, index)
            }
            guard code == SQLITE_OK else {
                throw SQLiteError(code: code & 0xFF, description: "cannot bind: \(database.errorMessage)")
            }
        }
    }

    /// Steps once: `true` with a row to read, `false` when done.
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(code: code & 0xFF, description: database.errorMessage)
        }
    }

    /// Steps until done (a statement without rows).
    func stepToEnd() throws(SQLiteError) {
        while try step() {}
    }

    /// Whether column `index` is NULL.
    func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    /// Column `index` as an integer.
    func integer(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    /// Column `index` as a real.
    func real(_ index: Int32) -> Double { sqlite3_column_double(statement, index) }

    /// Column `index` as text.
    func text(_ index: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, index) else { return "" }
        return String(cString: pointer)
    }

    /// Column `index` as bytes.
    func blob(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, index))
        guard count > 0, let pointer = sqlite3_column_blob(statement, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
