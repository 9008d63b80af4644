/// Why an RDB file could not be read, in one line: where (the byte offset) and what was expected.
public struct RDBError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The byte offset in the file where reading stopped.
    public let offset: Int64
    /// What was expected there, or what went wrong.
    public let reason: String

    /// Creates an error at `offset`.
    public init(offset: Int64, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// The error in one line: `at byte 1234: what was expected`.
    public var description: String { "at byte \(offset): \(reason)" }
}
