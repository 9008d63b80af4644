/// A server's error reply (`-ERR …`, `-NOPERM …`, a RESP3 bulk error). It fails only the
/// command it answers: the connection stays usable.
public struct RedisServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error's first word, upper-cased by convention: `ERR`, `WRONGPASS`, `NOPERM`, `NOAUTH`, …
    public let code: String
    /// The whole error text as the server sent it.
    public let message: String

    /// Creates an error from the server's text, taking its first word as the code.
    public init(message: String) {
        self.message = message
        let first = message.prefix(while: { $0 != " " })
        code = first.isEmpty ? "ERR" : String(first)
    }

    /// Whether the server refused for lack of permission (ACL) rather than for a bad command.
    public var isPermissionDenied: Bool { code == "NOPERM" }

    /// Whether the server refused to run the command — denied by ACL, or not known to it (old
    /// version, renamed or disabled): unlike a command that ran and failed, it is not counted
    /// in `total_commands_processed` (both are in `total_error_replies`). Before Redis 7 an
    /// unknown subcommand was the command's own answer ("Unknown subcommand or wrong number of
    /// arguments"): that command ran.
    public var isRefusal: Bool {
        isPermissionDenied || (isUnknownCommand && !message.lowercased().contains("or wrong number of arguments"))
    }

    /// Whether the server does not know the command (old version, renamed or disabled command).
    public var isUnknownCommand: Bool {
        let text = message.lowercased()
        return code == "ERR" && (text.contains("unknown command") || text.contains("unknown subcommand"))
    }

    /// `command` refused, said once for every part that reports it — `SLOWLOG denied by ACL: …`,
    /// `SCAN unknown to the server (renamed or disabled): …` — or `nil` when this is not a
    /// refusal (an ACL denial or an unknown command).
    public func refusal(of command: String) -> String? {
        if isPermissionDenied { return "\(command) denied by ACL: \(self)" }
        if isUnknownCommand { return "\(command) unknown to the server (renamed or disabled): \(self)" }
        return nil
    }

    /// Whether the server refused the credentials or asks for them.
    public var isAuthenticationFailure: Bool {
        code == "WRONGPASS" || code == "NOAUTH" || message.contains("invalid password")
            || message.contains("AUTH <password> called without any password configured")
    }

    /// The server's text, on one line.
    public var description: String { message.replacingOccurrences(of: "\n", with: " ") }
}
