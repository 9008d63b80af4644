import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Loopback ports that are free right now.
public enum FreePort {
    /// A port for a Redis Cluster node: free, at most 55535, and with its cluster bus port
    /// (the port + 10000) free too.
    public static func forClusterNode() throws -> Int {
        for _ in 0..<200 {
            let candidate = try next()
            if candidate <= 55535 && isFree(candidate + 10000) { return candidate }
        }
        throw ProcessFailure("no free port pair (port, port + 10000) on 127.0.0.1")
    }

    /// Whether `port` on 127.0.0.1 can be bound right now.
    public static func isFree(_ port: Int) -> Bool {
        (try? bound(to: port)) != nil
    }

    /// The ports handed out by this process: never handed out twice (parallel tests would
    /// otherwise start two servers on one port now and then).
    private static let handedOut = Mutex<Set<Int>>([])

    /// A TCP port on 127.0.0.1 that the kernel just handed out and that is closed again, not
    /// handed out before by this process.
    public static func next() throws -> Int {
        for _ in 0..<100 {
            let port = try bound(to: 0)
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw ProcessFailure("no loopback port left that was not handed out already")
    }

    private static func bound(to port: Int) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw ProcessFailure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ProcessFailure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
