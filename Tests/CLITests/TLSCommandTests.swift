import Foundation
import TestSupport
import Testing

@Suite("TLS from the command line", .sameOnEveryServer)
struct TLSCommandTests {
    @Test("watch over rediss:// with --cacert and --sni; a wrong CA is one line (watch exits 1, check 3)")
    func watchOverTLS() async throws {
        let certificates = try await TestCertificates()
        let tlsPort = try FreePort.next()
        try await withRedisServer(
            certificates.serverArguments(tlsPort: tlsPort), binary: TestCertificates.tlsServer
        ) { server in
            let url = "rediss://127.0.0.1:\(tlsPort)"

            let good = try await CachewatchBinary.run([
                "watch", url, "--cacert", certificates.caCertificate, "--sni", TestCertificates.serverName, "-c", "1",
                "--format", "json", "--no-sampling",
            ])
            #expect(good.code == 0, "\(good.stderr)")
            #expect(good.stdout.contains("\"node\":\"127.0.0.1:\(tlsPort)\""))
            #expect(good.stdout.contains("\"up\":1"))

            let flag = try await CachewatchBinary.run([
                "watch", "-h", "127.0.0.1", "-p", String(tlsPort), "--tls", "--cacert", certificates.otherCACertificate,
                "--sni", TestCertificates.serverName,
            ])
            #expect(flag.code != 0)
            let lines = flag.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(flag.stderr.contains("certificate is not trusted"))

            let check = try await CachewatchBinary.run([
                "check", url, "--cacert", certificates.otherCACertificate, "--sni", TestCertificates.serverName,
            ])
            #expect(check.code == 3)
            #expect(check.stdout.contains("certificate is not trusted"))

            let insecure = try await CachewatchBinary.run([
                "watch", url, "--insecure", "-c", "1", "--format", "json", "--no-sampling",
            ])
            #expect(insecure.code == 0)
            #expect(insecure.stderr.contains("warning: --insecure"))

            let halfPair = try await CachewatchBinary.run(["watch", url, "--cert", certificates.clientCertificate])
            #expect(halfPair.code != 0)
            #expect(halfPair.stderr.contains("--cert and --key go together"))
        }
    }

    @Test("TLS to a plain port, plain text to a TLS port: one line each, within one connect timeout")
    func mismatches() async throws {
        let certificates = try await TestCertificates()
        let tlsPort = try FreePort.next()
        try await withRedisServer(
            certificates.serverArguments(tlsPort: tlsPort), binary: TestCertificates.tlsServer
        ) { server in
            for (url, says) in [
                ("rediss://127.0.0.1:\(server.port)", "is this a TLS port?"),
                ("redis://127.0.0.1:\(tlsPort)", "use rediss:// or --tls"),
            ] {
                let started = ContinuousClock.now
                let result = try await CachewatchBinary.run([
                    "watch", url, "--connect-timeout", "2", "-c", "1", "--cacert", certificates.caCertificate,
                ])
                let took = ContinuousClock.now - started
                #expect(result.code == 1, "\(url): \(result.stderr)")
                #expect(
                    result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(says), "\(result.stderr)")
                if took >= .milliseconds(3500) {
                    Issue.record("\(url) took \(took) for a 2 s connect timeout")
                }
            }
        }
    }
}
