import NIOCore
import NIOPosix

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
        return String(describing: error)
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
