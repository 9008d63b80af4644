import Foundation
import RESP
import TestSupport
import Testing
import Workload

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `watch --listen` scraped by a real Prometheus (Debian's), queried through its HTTP API.
@Suite("watch --listen scraped by Prometheus", .sameOnEveryServer)
struct PrometheusScrapeTests {
    @Test("the interval hit ratio and a per-namespace series reach PromQL; the target is healthy (OpenMetrics)")
    func scrape() async throws {
        try await withRedisServer { server in
            let admin = try await server.client()
            defer { admin.closeSoon() }
            _ = try await admin.pipeline((0..<300).map { RESPCommand("SET", "user:\($0):profile", "v") })
            let port = try FreePort.next()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.5", "--format", "json", "--no-events",
                "--listen", "127.0.0.1:\(port)",
            ])
            let prometheus = try await PrometheusProcess(targets: ["127.0.0.1:\(port)"])
            // Traffic: 3 hits for each miss, all along.
            let traffic = Task {
                while !Task.isCancelled {
                    _ = try? await admin.pipeline(
                        (0..<30).map { RESPCommand("GET", $0 % 4 == 3 ? "user:missing:\($0)" : "user:\($0):profile") })
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { traffic.cancel() }
            var ratio: [(labels: [String: String], value: Double)] = []
            let found = try await eventually(timeout: .seconds(40)) {
                ratio = try await prometheus.query("cachewatch_hit_ratio")
                return !ratio.isEmpty
            }
            #expect(found, "no hit ratio in Prometheus: \(prometheus.log.suffix(1500)) \(watch.standardError)")
            #expect(ratio.first?.labels["node"] == "127.0.0.1:\(server.port)")
            #expect(ratio.first.map { abs($0.value - 0.75) < 0.1 } == true, "hit ratio \(ratio)")
            var namespace: [(labels: [String: String], value: Double)] = []
            let namespaced = try await eventually(timeout: .seconds(40)) {
                namespace = try await prometheus.query("cachewatch_namespace_keys{namespace=\"user:*:profile\"}")
                return !namespace.isEmpty
            }
            let seen = try await prometheus.query("cachewatch_namespace_keys").map(\.labels)
            #expect(namespaced, "no namespace series: \(seen)")
            #expect(namespace.first.map { $0.value > 100 } == true, "\(namespace)")
            // Counters work with rate().
            var rate: [(labels: [String: String], value: Double)] = []
            let rising = try await eventually(timeout: .seconds(30)) {
                rate = try await prometheus.query("rate(cachewatch_server_keyspace_hits_total[10s])")
                return rate.first.map { $0.value > 0 } == true
            }
            #expect(rising, "\(rate)")
            let targets = try await prometheus.targets()
            #expect(targets.count == 1 && targets[0].health == "up" && targets[0].lastError.isEmpty, "\(targets)")
            await prometheus.stop()
            await watch.terminate()
        }
    }

    @Test("an address in use or malformed is one line before connecting; /-/ready waits for the first poll")
    func badAddress() async throws {
        let port = try FreePort.next()
        let holder = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: [
                "-c",
                "import socket,time; s=socket.socket(); s.bind(('127.0.0.1', \(port))); s.listen(); print('ok', flush=True); time.sleep(60)",
            ])
        defer { Task { await holder.terminate() } }
        #expect(try await eventually { holder.standardOutput.contains("ok") })
        let inUse = try await CachewatchBinary.run(["watch", "-p", "1", "-c", "1", "--listen", "127.0.0.1:\(port)"])
        #expect(inUse.code == 1, "\(inUse.stderr)")
        #expect(
            inUse.stderr.hasPrefix("cachewatch: cannot listen on 127.0.0.1:\(port): ")
                && inUse.stderr.split(separator: "\n").count == 1, "\(inUse.stderr)")
        for bad in ["9180", "localhost:99999", "::1:9180", "a b:1"] {
            let result = try await CachewatchBinary.run(["watch", "-p", "1", "--listen", bad])
            #expect(result.code == 64 && result.stderr.contains("--listen"), "\(bad): \(result.stderr)")
        }
    }

    @Test("exporter: a node down from the start is served as up 0, not an exit; stdout has alert events only")
    func exporterService() async throws {
        try await withRedisServer { server in
            let port = try FreePort.next()
            let down = try FreePort.next()
            let rules = try TemporaryFile.containing(
                "rules:\n  - name: NodeUnreachable\n    metric: up\n    below: 1\n    severity: critical\n")
            defer { try? FileManager.default.removeItem(atPath: rules) }
            let exporter = try CachewatchBinary.start([
                "exporter", "--listen", "127.0.0.1:\(port)", "-i", "0.3", "--no-events", "--rules", rules,
                "redis://127.0.0.1:\(server.port)", "redis://127.0.0.1:\(down)",
            ])
            var body = ""
            let served = try await eventually(timeout: .seconds(20)) {
                guard let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
                    let (data, _) = try? await URLSession.shared.data(from: url)
                else { return false }
                body = String(decoding: data, as: UTF8.self)
                return body.contains("cachewatch_up{node=\"127.0.0.1:\(down)\"} 0")
                    && body.contains("cachewatch_up{node=\"127.0.0.1:\(server.port)\"} 1")
            }
            #expect(served, "\(body.prefix(600)) \(exporter.standardError)")
            let alerted = try await eventually(timeout: .seconds(20)) {
                exporter.standardOutput.contains("alertname=NodeUnreachable")
            }
            #expect(alerted, "\(exporter.standardOutput.suffix(600)) \(exporter.standardError)")
            // Several polls later: nothing on stdout but alert events, the process still running.
            let before = try await Self.commandsProcessed(port: port)
            let polled = try await eventually(timeout: .seconds(20)) {
                (try? await Self.commandsProcessed(port: port)).map { $0 >= before + 6 } ?? false
            }
            #expect(polled, "the server's command count stayed at \(before)")
            // The endpoint reports its own cost: every phase has taken CPU, scrapes are counted.
            let cost = try await Self.served(port: port)
            for phase in ["build", "render", "write"] {
                let seconds = Self.value(in: cost, "cachewatch_exposition_cpu_seconds_total{phase=\"\(phase)\"}")
                #expect((seconds ?? 0) > 0, "\(phase): \(seconds ?? -1)")
            }
            let scrapes = try #require(Self.value(in: cost, "cachewatch_scrapes_total"))
            #expect(scrapes >= 6, "the test scraped more than six times before this")
            let counted = try await eventually(timeout: .seconds(10)) {
                (Self.value(in: try await Self.served(port: port), "cachewatch_scrapes_total") ?? 0) > scrapes
            }
            #expect(counted)
            let lines = exporter.standardOutput.split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(" event=alert ") }, "\(lines.prefix(5))")
            #expect(exporter.exitCodeIfExited() == nil, "\(exporter.standardError)")
            exporter.signal(SIGTERM)
            let code = try await exporter.waitForExit(timeout: .seconds(10))
            #expect(code == 0 || code == 128 + SIGTERM, "exit \(code): \(exporter.standardError)")
        }
    }

    /// The first node's `cachewatch_server_commands_processed_total` as the endpoint at `port`
    /// serves it now: it rises by three commands or more with each poll (INFO, SLOWLOG, PING).
    private static func commandsProcessed(port: Int) async throws -> Double {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        let (data, _) = try await URLSession.shared.data(from: url)
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first {
            $0.hasPrefix("cachewatch_server_commands_processed_total{")
        }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double(String($0)) } ?? 0
    }

    /// The body the endpoint at `port` serves now.
    private static func served(port: Int) async throws -> String {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        return String(decoding: try await URLSession.shared.data(from: url).0, as: UTF8.self)
    }

    /// The value of the sample written exactly as `series` (name and labels) in `body`.
    private static func value(in body: String, _ series: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double(String($0)) }
    }

    /// The README's table of names shared with redis_exporter, as (ours, theirs).
    static func namingTable() throws -> [(String, String)] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "<!-- naming-table -->"), let end = text.range(of: "<!-- /naming-table -->")
        else { return [] }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, cells[0].hasPrefix("`cachewatch_"), cells[1].hasPrefix("`redis_") else {
                return nil
            }
            return (cells[0].trimmingCharacters(in: ["`"]), cells[1].trimmingCharacters(in: ["`"]))
        }
    }

    @Test("the README's naming table: each pair exists, ours in watch --listen, theirs in a running redis_exporter")
    func namesAgainstRedisExporter() async throws {
        let table = try Self.namingTable()
        #expect(table.count >= 15, "\(table)")
        try await withRedisServer(["--maxmemory", "64mb"]) { server in
            let admin = try await server.client()
            _ = try await admin.pipeline([RESPCommand("SET", "a", "1"), RESPCommand("SET", "b", "2", "EX", "600")])
            await admin.close()
            let ours = try FreePort.next()
            let theirs = try FreePort.next()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.5", "--format", "json", "--listen", "127.0.0.1:\(ours)",
            ])
            let exporter = try ChildProcess(
                executable: "/usr/bin/prometheus-redis-exporter",
                arguments: [
                    "-redis.addr", "redis://127.0.0.1:\(server.port)", "-web.listen-address", "127.0.0.1:\(theirs)",
                ])
            func names(_ port: Int) async -> Set<String> {
                guard let url = URL(string: "http://127.0.0.1:\(port)/metrics"),
                    let (data, _) = try? await URLSession.shared.data(from: url)
                else { return [] }
                let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }
                return Set(lines.map { String($0.prefix { $0 != "{" && $0 != " " }) })
            }
            var mine = Set<String>()
            var other = Set<String>()
            let both = try await eventually(timeout: .seconds(20)) {
                mine = await names(ours)
                other = await names(theirs)
                return mine.contains("cachewatch_server_keyspace_hits_total") && other.contains("redis_up")
            }
            #expect(both, "ours: \(mine.count) names, theirs: \(other.count): \(exporter.standardError.suffix(500))")
            for (cachewatch, redisExporter) in table {
                #expect(mine.contains(cachewatch), "\(cachewatch) is not in watch --listen")
                #expect(other.contains(redisExporter), "\(redisExporter) is not in redis_exporter")
            }
            await exporter.terminate()
            await watch.terminate()
        }
    }

    @Test(
        "--web-config: TLS with the exporters' file format, client certificates required when asked; a hash that is not bcrypt refused with why"
    )
    func tls() async throws {
        let certificates = try await TestCertificates()
        try await withRedisServer { server in
            let port = try FreePort.next()
            let config = try TemporaryFile.containing(
                """
                tls_server_config:
                  cert_file: \(certificates.serverCertificate)
                  key_file: \(certificates.serverKey)
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: \(certificates.caCertificate)

                """)
            defer { try? FileManager.default.removeItem(atPath: config) }
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--format", "json", "--no-sampling",
                "--listen", "127.0.0.1:\(port)", "--web-config", config,
            ])
            defer { Task { await watch.terminate() } }
            let url = "https://\(TestCertificates.serverName):\(port)/metrics"
            let resolve = [
                "--resolve", "\(TestCertificates.serverName):\(port):127.0.0.1", "--cacert", certificates.caCertificate,
            ]
            let curl = Self.curl
            var scraped: (code: Int32, output: String) = (1, "")
            let served = try await eventually(timeout: .seconds(20)) {
                scraped = try await curl(
                    resolve + ["--cert", certificates.clientCertificate, "--key", certificates.clientKey, url])
                return scraped.code == 0 && scraped.output.contains("cachewatch_up{")
            }
            #expect(served, "\(scraped.output.prefix(400)) \(watch.standardError)")
            let anonymous = try await curl(resolve + [url])
            #expect(
                anonymous.code != 0 && !anonymous.output.contains("cachewatch_up"),
                "no client certificate: \(anonymous.output.prefix(300))")
            let plain = try await curl(["http://127.0.0.1:\(port)/metrics"])
            #expect(
                plain.code != 0 && !plain.output.contains("cachewatch_up"), "plain HTTP: \(plain.output.prefix(300))")
        }
        let basic = try TemporaryFile.containing("basic_auth_users:\n  alice: plaintext-password\n")
        defer { try? FileManager.default.removeItem(atPath: basic) }
        let refused = try await CachewatchBinary.run([
            "watch", "-p", "1", "--listen", "127.0.0.1:0", "--web-config", basic,
        ])
        #expect(
            refused.code == 1 && refused.stderr.contains("the password of 'alice' is not a bcrypt hash"),
            "\(refused.stderr)")
        #expect(!refused.stderr.contains("plaintext-password"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let missing = try await CachewatchBinary.run(["watch", "-p", "1", "--web-config", basic])
        #expect(missing.code == 64 && missing.stderr.contains("--web-config goes with --listen"), "\(missing.stderr)")
    }

    /// `curl -s -S --max-time 5` with `arguments`: its exit code, and its output then errors.
    static func curl(_ arguments: [String]) async throws -> (code: Int32, output: String) {
        let process = try ChildProcess(
            executable: "/usr/bin/curl", arguments: ["-s", "-S", "--max-time", "5"] + arguments)
        let code = try await process.waitForExit(timeout: .seconds(20))
        return (code, process.standardOutput + process.standardError)
    }

    /// A bcrypt hash of `password` as `htpasswd -nbBC 5` writes it (`$2y$`, cost 5: fast tests).
    static func bcrypt(_ user: String, _ password: String) async throws -> String {
        let process = try ChildProcess(executable: "/usr/bin/htpasswd", arguments: ["-nbBC", "5", user, password])
        let code = try await process.waitForExit(timeout: .seconds(20))
        let line = process.standardOutput.split(separator: "\n").first.map(String.init) ?? ""
        guard code == 0, let colon = line.firstIndex(of: ":") else {
            throw TestFailure("htpasswd: \(process.standardError)")
        }
        return String(line[line.index(after: colon)...])
    }

    @Test(
        "--web-config basic_auth_users: htpasswd's bcrypt hashes let their users in over TLS; no, wrong or unknown credentials get 401; real Prometheus scrapes with them"
    )
    func basicAuthentication() async throws {
        let certificates = try await TestCertificates()
        let hash = try await Self.bcrypt("prometheus", "s3cret-scrape")
        let other = try await Self.bcrypt("grafana", "another-one")
        try await withRedisServer { server in
            let port = try FreePort.next()
            let config = try TemporaryFile.containing(
                """
                tls_server_config:
                  cert_file: \(certificates.serverCertificate)
                  key_file: \(certificates.serverKey)
                basic_auth_users:
                  prometheus: \(hash)
                  grafana: '\(other)'

                """)
            defer { try? FileManager.default.removeItem(atPath: config) }
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--format", "json", "--no-sampling",
                "--listen", "127.0.0.1:\(port)", "--web-config", config,
            ])
            defer { Task { await watch.terminate() } }
            let url = "https://\(TestCertificates.serverName):\(port)/metrics"
            let resolve = [
                "--resolve", "\(TestCertificates.serverName):\(port):127.0.0.1", "--cacert", certificates.caCertificate,
            ]
            func curl(_ arguments: [String]) async throws -> (status: String, output: String) {
                // The headers and, last, the status code with the body.
                let answer = try await Self.curl(["-D", "-", "-w", "\n%{http_code}"] + resolve + arguments)
                return (answer.output.split(separator: "\n").last.map(String.init) ?? "", answer.output)
            }
            var scraped: (status: String, output: String) = ("", "")
            let served = try await eventually(timeout: .seconds(20)) {
                scraped = try await curl(["-u", "prometheus:s3cret-scrape", url])
                return scraped.status == "200" && scraped.output.contains("cachewatch_up{")
            }
            #expect(served, "\(scraped.output.prefix(400)) \(watch.standardError)")
            let second = try await curl(["-u", "grafana:another-one", url])
            #expect(second.status == "200", "the second user: \(second.output.prefix(300))")
            for (credentials, what) in [
                (nil, "none"), ("prometheus:wrong", "a wrong password"), ("nobody:s3cret-scrape", "an unknown user"),
                ("prometheus:", "an empty password"),
            ] as [(String?, String)] {
                let answer = try await curl((credentials.map { ["-u", $0] } ?? []) + [url])
                #expect(answer.status == "401", "\(what): \(answer.output.prefix(300))")
                #expect(answer.output.contains("WWW-Authenticate: Basic realm=\"cachewatch\""), "\(what)")
                #expect(!answer.output.contains("cachewatch_up"), "\(what)")
            }
            // Health endpoints are behind the same door.
            let health = try await curl(["https://\(TestCertificates.serverName):\(port)/-/healthy"])
            #expect(health.status == "401")
            // Prometheus itself, with the user in its scrape config, over TLS.
            let prometheus = try await PrometheusProcess(
                targets: ["127.0.0.1:\(port)"], tls: (certificates.caCertificate, TestCertificates.serverName),
                basicAuth: ("prometheus", "s3cret-scrape"))
            defer { Task { await prometheus.stop() } }
            var up: [(labels: [String: String], value: Double)] = []
            let scrapes = try await eventually(timeout: .seconds(30)) {
                up = try await prometheus.query("cachewatch_up")
                return up.first?.value == 1
            }
            let targets = try await prometheus.targets()
            #expect(scrapes, "prometheus: \(targets)")
            // The password is in no output of ours.
            #expect(!watch.standardError.contains("s3cret") && !watch.standardOutput.contains("s3cret"))
        }
        // Without TLS: allowed, as the exporters allow it, with a warning.
        let plainConfig = try TemporaryFile.containing("basic_auth_users:\n  prometheus: \(hash)\n")
        defer { try? FileManager.default.removeItem(atPath: plainConfig) }
        try await withRedisServer { server in
            let port = try FreePort.next()
            let watch = try CachewatchBinary.start([
                "watch", "-p", String(server.port), "-i", "0.3", "--format", "json", "--no-sampling",
                "--listen", "127.0.0.1:\(port)", "--web-config", plainConfig,
            ])
            defer { Task { await watch.terminate() } }
            let warned = try await eventually(timeout: .seconds(20)) {
                watch.standardError.contains("passwords cross the network in the clear")
            }
            #expect(warned, "\(watch.standardError)")
            var status = ""
            let served = try await eventually(timeout: .seconds(20)) {
                let process = try ChildProcess(
                    executable: "/usr/bin/curl",
                    arguments: [
                        "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "prometheus:s3cret-scrape",
                        "http://127.0.0.1:\(port)/metrics",
                    ])
                _ = try await process.waitForExit(timeout: .seconds(20))
                status = process.standardOutput
                return status == "200"
            }
            #expect(served, "plain HTTP with the user: \(status)")
        }
    }
}
