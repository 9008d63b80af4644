import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint under abuse, as an attacker on the monitoring network would try it: a
/// slowloris of half-sent headers and TLS connections that stall, with cachewatch under
/// `ulimit -n 256` (systemd services commonly run at 1,024).
@Suite("the metrics endpoint under abuse", .sameOnEveryServer)
struct EndpointAbuseTests {
    /// Raises this process's open-file limit to its hard limit: the attack needs 1,200 sockets.
    private static func raiseOwnLimit() {
        var limits = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits) == 0 else { return }
        limits.rlim_cur = limits.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
    }

    /// A socket connected to 127.0.0.1:`port` (a TLS endpoint) that sent the start of a TLS
    /// ClientHello — the record header of a 512-byte handshake message and its first bytes —
    /// and waits: half a header, at the TLS layer; `nil` when it could not connect.
    private static func halfSentHello(port: Int) -> Int32? {
        guard let socket = connected(port: port) else { return nil }
        let half: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]
        _ = half.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return socket
    }

    /// Whether the server closed `socket` (a read returns end of file or an error at once).
    private static func isClosedByServer(_ socket: Int32) -> Bool {
        var pollRequest = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&pollRequest, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
    }

    /// Counts TLS handshakes that completed.
    private final class HandshakeCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let completed: Locked<Int>
        init(_ completed: Locked<Int>) { self.completed = completed }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls { completed.withLock { $0 += 1 } }
            context.fireUserInboundEventTriggered(event)
        }
    }

    @Test(
        "ulimit -n 256: 1,000 half-sent TLS hellos and 200 stalled TLS connections; scrapes answered within 1 s throughout, polling goes on, a restarted server is reconnected, the timeouts close them, the counters account for them",
        .alone
    )
    func slowloris() async throws {
        Self.raiseOwnLimit()
        let certificates = try await TestCertificates()
        let redisPort = try FreePort.next()
        let port = try FreePort.next()
        let config = try TemporaryFile.containing(
            """
            tls_server_config:
              cert_file: \(certificates.serverCertificate)
              key_file: \(certificates.serverKey)

            """)
        defer { try? FileManager.default.removeItem(atPath: config) }
        try await withRedisServer(port: redisPort) { server in
            let binary = CachewatchBinary.path
            let watch = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c",
                    "ulimit -n 256 && exec \"$0\" \"$@\"", binary, "watch", "-p", String(redisPort), "-i", "0.25",
                    "--format", "json", "--no-sampling", "--listen", "127.0.0.1:\(port)", "--web-config", config,
                    "--header-timeout", "4", "--tls-handshake-timeout", "4", "--idle-timeout", "4",
                ], environment: ["PATH": "/usr/bin:/bin", "TZ": "UTC"])
            defer { Task { await watch.terminate() } }
            let url = "https://\(TestCertificates.serverName):\(port)/metrics"
            func scrape(maxTime: String = "1") async throws -> (ok: Bool, body: String) {
                let process = try ChildProcess(
                    executable: "/usr/bin/curl",
                    arguments: [
                        "-s", "-S", "--max-time", maxTime, "-w", "\n%{http_code}", "--resolve",
                        "\(TestCertificates.serverName):\(port):127.0.0.1", "--cacert", certificates.caCertificate, url,
                    ])
                _ = try await process.waitForExit(timeout: .seconds(20))
                let output = process.standardOutput
                return (output.hasSuffix("\n200") && output.contains("cachewatch_up{"), output)
            }
            let ready = try await eventually(timeout: .seconds(20)) { try await scrape(maxTime: "5").ok }
            #expect(ready, "\(watch.standardError)")
            func polls() -> Int { jsonObjects(watch.standardOutput).filter { $0["up"] as? Int == 1 }.count }

            // The attack, while Prometheus scrapes: 1,000 connections that send half a
            // ClientHello and 200 that complete their TLS handshake and send nothing, mixed.
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let handshakes = Locked(0)
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(certificates.caCertificate)
            let context = try NIOSSLContext(configuration: configuration)
            let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: TestCertificates.serverName))
                    try channel.pipeline.syncOperations.addHandler(HandshakeCounter(handshakes))
                }
            }
            let attacking = Locked(true)
            let attack = Task { () -> (sockets: [Int32], stalled: [any Channel]) in
                defer { attacking.withLock { $0 = false } }
                var sockets: [Int32] = []
                var stalled: [any Channel] = []
                for index in 0..<1200 {
                    if index % 6 == 5 {
                        if let channel = try? await bootstrap.connect(host: "127.0.0.1", port: port).get() {
                            stalled.append(channel)
                        }
                    } else if let socket = Self.halfSentHello(port: port) {
                        sockets.append(socket)
                    }
                }
                return (sockets, stalled)
            }
            // Throughout: scrapes answered within 1 s, polls go on.
            let pollsBefore = polls()
            var scrapes = 0
            while scrapes < 8 || attacking.withLock({ $0 }) {
                let answer = try await scrape()
                #expect(answer.ok, "a scrape during the attack: \(answer.body.suffix(200))")
                scrapes += 1
                try await Task.sleep(for: .milliseconds(250))
            }
            let (sockets, stalled) = await attack.value
            #expect(sockets.count == 1000 && stalled.count == 200, "every connection is accepted (then shed)")
            #expect(handshakes.withLock { $0 } > 0, "TLS connections completed their handshake")
            #expect(polls() > pollsBefore + 4, "polling goes on during the attack")

            // The monitored server restarts on its port: reconnected, though the endpoint was full.
            await server.stop()
            try await withRedisServer(port: redisPort) { _ in
                let upAgain = polls()
                let reconnected = try await eventually(timeout: .seconds(20)) { polls() > upAgain + 2 }
                #expect(reconnected, "\(watch.standardError.suffix(500))")
            }

            // The timeouts close what shedding left: every attacking connection is closed.
            let closed = try await eventually(timeout: .seconds(15)) {
                sockets.allSatisfy(Self.isClosedByServer) && stalled.allSatisfy { !$0.isActive }
            }
            #expect(
                closed,
                "\(sockets.filter { !Self.isClosedByServer($0) }.count) sockets, \(stalled.filter(\.isActive).count) TLS connections still open"
            )
            for socket in sockets { close(socket) }
            try? await group.shutdownGracefully()

            // The counters account for them: every one shed or timed out (in its handshake, or
            // in its header after one).
            var body = ""
            let counted = try await eventually(timeout: .seconds(10)) {
                body = try await scrape(maxTime: "5").body
                return Self.value(body, "cachewatch_http_connections_shed_total")
                    + Self.value(body, "cachewatch_http_timeouts_total{phase=\"header\"}")
                    + Self.value(body, "cachewatch_http_timeouts_total{phase=\"tls_handshake\"}") >= 1200
            }
            #expect(counted, "\(body.split(separator: "\n").filter { $0.contains("cachewatch_http") })")
            #expect(Self.value(body, "cachewatch_http_timeouts_total{phase=\"header\"}") > 0, "TLS done, no request")
            #expect(Self.value(body, "cachewatch_http_timeouts_total{phase=\"tls_handshake\"}") > 0, "half a hello")
            #expect(Self.value(body, "cachewatch_http_connections_shed_total") > 0)
            #expect(Self.value(body, "cachewatch_http_connections") <= 5, "only the scrapes' own connection is left")
        }
    }

    @Test(
        "plain HTTP: a keep-alive connection idle past --idle-timeout and a half-sent header are closed and counted; --max-connections beyond the descriptors is one line"
    )
    func idleAndLimits() async throws {
        try await withRedisServer { server in
            let port = try FreePort.next()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.25", "--format", "json", "--no-sampling", "--listen",
                "127.0.0.1:\(port)", "--idle-timeout", "1", "--header-timeout", "1",
            ])
            defer { Task { await watch.terminate() } }
            let ready = try await eventually(timeout: .seconds(20)) {
                (try? await PrometheusScrapeTests.curl(["http://127.0.0.1:\(port)/-/ready"]))?.output == "OK\n"
            }
            #expect(ready, "\(watch.standardError)")
            // A whole request on a keep-alive connection, answered; then nothing.
            let idle = try #require(Self.connected(port: port))
            defer { close(idle) }
            let request = "GET /-/healthy HTTP/1.1\r\nHost: cachewatch\r\n\r\n"
            _ = request.withCString { send(idle, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            let half = try #require(Self.connected(port: port))
            defer { close(half) }
            _ = "GET /metrics HTTP/1.1\r\nHost: c".withCString { send(half, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            let started = ContinuousClock.now
            let closed = try await eventually(timeout: .seconds(10)) {
                Self.isClosedByServer(idle) && Self.isClosedByServer(half)
            }
            #expect(closed && ContinuousClock.now - started >= .milliseconds(900), "closed by the timeouts, not before")
            var body = ""
            let counted = try await eventually(timeout: .seconds(10)) {
                body = try await PrometheusScrapeTests.curl(["http://127.0.0.1:\(port)/metrics"]).output
                return Self.value(body, "cachewatch_http_timeouts_total{phase=\"idle\"}") >= 1
                    && Self.value(body, "cachewatch_http_timeouts_total{phase=\"header\"}") >= 1
            }
            #expect(counted, "\(body.split(separator: "\n").filter { $0.contains("cachewatch_http") })")

            // Under ulimit -n 256 there is room for (256 - 64 - 8) / 2 = 92 connections.
            let refused = try ChildProcess(
                executable: "/bin/sh",
                arguments: [
                    "-c", "ulimit -n 256 && exec \"$0\" \"$@\"", CachewatchBinary.path, "exporter", "-p",
                    String(server.port), "--listen", "127.0.0.1:0", "--max-connections", "500",
                ], environment: ["PATH": "/usr/bin:/bin"])
            #expect(try await refused.waitForExit(timeout: .seconds(20)) == 1)
            let lines = refused.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("at most 92"), "\(refused.standardError)")
        }
    }

    /// A socket connected to 127.0.0.1:`port`.
    private static func connected(port: Int) -> Int32? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            return nil
        }
        return socket
    }

    /// The value of the sample `name` (with its labels, as written) in an exposition; 0 when
    /// absent.
    private static func value(_ body: String, _ name: String) -> Double {
        for line in body.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), line[..<space] == name else { continue }
            return Double(line[line.index(after: space)...]) ?? 0
        }
        return 0
    }
}
