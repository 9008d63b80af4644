import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns NIO's connect errors into the short reasons a person expects ("connection refused").
enum ConnectFailureReason {
    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return reason(errno: io.errnoCode) }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return describe(first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve host '\(connection.host)'"
            }
            return "no address found for '\(connection.host)'"
        }
        if let socketAddressError = error as? SocketAddressError {
            switch socketAddressError {
            case .unknown(let host, _): return "cannot resolve host '\(host)'"
            case .unixDomainSocketPathTooLong: return "unix socket path too long"
            default: return "invalid address"
            }
        }
        if let channelError = error as? ChannelError { return "\(channelError)" }
        if let tls = tlsReason(error) { return tls }
        return String(describing: error)
    }

    /// What a TLS failure means for the person at the keyboard, or `nil` for other errors.
    static func tlsReason(_ error: any Error) -> String? {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the server's certificate does not name this host; pass the name it carries with --sni"
        }
        guard let ssl = error as? NIOSSLError else {
            return error is BoringSSLError ? "TLS error: \(error)" : nil
        }
        let text = String(describing: ssl)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return
                "the server's certificate is not trusted (certificate verify failed); pass the CA that signed it with --cacert, or --insecure to skip verification"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG")
            || text.contains("HTTP_REQUEST")
        {
            return "the server does not speak TLS on this port; use redis:// without --tls"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE")
            || text.contains("BAD_CERTIFICATE") || text.contains("UNKNOWN_CA")
        {
            return "the server refused the handshake; it may require a client certificate it trusts (--cert, --key)"
        }
        if text.contains("EOF during handshake") || ssl == .uncleanShutdown {
            return
                "the server closed the connection during the TLS handshake (a client certificate required? --cert, --key)"
        }
        return "TLS error: \(text)"
    }

    private static func reason(errno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ENOENT: return "no such socket file"
        case EACCES: return "permission denied"
        case ETIMEDOUT: return "timed out"
        case ECONNRESET: return "connection reset by peer"
        case EPIPE: return "broken pipe"
        case EHOSTUNREACH, ENETUNREACH: return "host unreachable"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
