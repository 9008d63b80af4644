/// The connection could not be made, timed out, or broke. The connection it concerns is
/// closed; a new one may be tried.
public struct RedisConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case connectFailed(String)
        case connectTimeout(Duration)
        case commandTimeout(Duration)
        case closed(silent: Bool)
        case lost(String, silent: Bool)
        case authenticationFailed(String)
        case authenticationRequired
        case handshakeFailed(String)
        case tlsFailed(String)
        case notAllowed(String)
        case unavailable(retryIn: Duration, lastError: String, timedOut: Bool)
    }

    private let code: Code
    /// The endpoint it concerns, as printed (never with a password).
    public let endpoint: String

    private init(_ code: Code, endpoint: String) {
        self.code = code
        self.endpoint = endpoint
    }

    static func connectFailed(_ reason: String, endpoint: String) -> Self {
        Self(.connectFailed(reason), endpoint: endpoint)
    }
    static func connectTimeout(_ after: Duration, endpoint: String) -> Self {
        Self(.connectTimeout(after), endpoint: endpoint)
    }
    static func commandTimeout(_ after: Duration, endpoint: String) -> Self {
        Self(.commandTimeout(after), endpoint: endpoint)
    }
    /// `silent`: the peer never sent a byte on this connection.
    static func closed(endpoint: String, silent: Bool = false) -> Self {
        Self(.closed(silent: silent), endpoint: endpoint)
    }
    static func lost(_ reason: String, endpoint: String, silent: Bool = false) -> Self {
        Self(.lost(reason, silent: silent), endpoint: endpoint)
    }
    static func authenticationFailed(_ reason: String, endpoint: String) -> Self {
        Self(.authenticationFailed(reason), endpoint: endpoint)
    }
    static func authenticationRequired(endpoint: String) -> Self { Self(.authenticationRequired, endpoint: endpoint) }
    static func handshakeFailed(_ reason: String, endpoint: String) -> Self {
        Self(.handshakeFailed(reason), endpoint: endpoint)
    }
    static func tlsFailed(_ reason: String, endpoint: String) -> Self { Self(.tlsFailed(reason), endpoint: endpoint) }
    static func notAllowed(_ command: String, endpoint: String) -> Self {
        Self(.notAllowed(command), endpoint: endpoint)
    }
    /// `lastError` timed out: a wait for the next attempt after a timeout is still a timeout.
    static func unavailable(retryIn: Duration, lastError: any Error, endpoint: String) -> Self {
        let timedOut = (lastError as? RedisConnectionError)?.isTimeout ?? false
        return Self(.unavailable(retryIn: retryIn, lastError: "\(lastError)", timedOut: timedOut), endpoint: endpoint)
    }

    /// Whether a timeout (connect or command) caused it, or the wait after one: a stalled
    /// server reads as one timeout from the first poll that waited to the answer.
    public var isTimeout: Bool {
        switch code {
        case .connectTimeout, .commandTimeout, .unavailable(_, _, timedOut: true): return true
        default: return false
        }
    }

    /// Whether the peer closed or reset the connection before sending a single byte.
    var isSilentDrop: Bool {
        switch code {
        case .closed(let silent), .lost(_, let silent): return silent
        default: return false
        }
    }

    /// Whether the command was outside the connection's allowlist (or needs RESP3).
    public var isNotAllowed: Bool {
        if case .notAllowed = code { return true }
        return false
    }

    /// Whether TLS failed: an untrusted certificate, a name mismatch, a server without TLS.
    public var isTLS: Bool {
        if case .tlsFailed = code { return true }
        return false
    }

    /// Whether the credentials were refused or missing: retrying will not help.
    public var isAuthentication: Bool {
        switch code {
        case .authenticationFailed, .authenticationRequired: return true
        default: return false
        }
    }

    /// Whether the error is final for this configuration: a retry with the same settings fails
    /// the same way (bad credentials, a command outside the allowlist).
    public var isPermanent: Bool {
        switch code {
        case .authenticationFailed, .authenticationRequired, .notAllowed: return true
        default: return false
        }
    }

    /// One line naming the endpoint and what went wrong.
    public var description: String {
        switch code {
        case .connectFailed(let reason): return "cannot connect to \(endpoint): \(reason)"
        case .connectTimeout(let after): return "cannot connect to \(endpoint): no answer within \(after.shortText)"
        case .commandTimeout(let after): return "\(endpoint) did not reply within \(after.shortText) (command timeout)"
        case .closed: return "connection to \(endpoint) closed"
        case .lost(let reason, _): return "connection to \(endpoint) lost: \(reason)"
        case .authenticationFailed(let reason): return "authentication to \(endpoint) failed: \(reason)"
        case .authenticationRequired:
            return "\(endpoint) requires a password: pass -a, --user, a redis://user:pass@host URL or REDISCLI_AUTH"
        case .handshakeFailed(let reason): return "handshake with \(endpoint) failed: \(reason)"
        case .tlsFailed(let reason): return "TLS with \(endpoint) failed: \(reason)"
        case .notAllowed(let command):
            return "\(command) is not a read-only monitoring command; cachewatch does not send it to \(endpoint)"
        case .unavailable(let retryIn, let lastError, _):
            return "\(lastError) (next attempt in \(retryIn.shortText))"
        }
    }
}

extension Duration {
    /// `250ms`, `2s`, `1.5s`, `2m` — a compact rendering for messages.
    public var shortText: String {
        let seconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let rounded = (seconds * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded))s" : "\(rounded)s"
        }
        return "\(Int((seconds / 60).rounded()))m"
    }

    /// The duration in seconds as a floating-point number.
    public var secondsDouble: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
