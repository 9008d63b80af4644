/// A rules file that cannot be used, with where: one line, `file:line:column: what`.
public struct RuleFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line, when known.
    public let line: Int?
    /// The 1-based column, when known.
    public let column: Int?
    /// What is wrong.
    public let message: String
    /// The file name shown (or `rules`).
    public var source: String

    init(_ message: String, line: Int? = nil, column: Int? = nil, source: String = "rules") {
        self.message = message
        self.line = line
        self.column = column
        self.source = source
    }

    /// `file:line:column: message`.
    public var description: String {
        var location = source
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
