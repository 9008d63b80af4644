import CSQLite

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
