import Foundation
import Workload

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Prometheus server (Debian's `prometheus`) on a free loopback port, scraping the
/// given targets every second, with a private storage directory and optional rule files.
public final class PrometheusProcess: @unchecked Sendable {
    /// Its base URL.
    public let url: URL
    private let process: ChildProcess
    private let directory: String

    /// Starts it scraping `targets` (`host:port`) as job `cachewatch`, evaluating `rules` (a
    /// rules file's text) every second, its storage holding the blocks in `blocks` (what
    /// `promtool tsdb create-blocks-from` wrote) first; waits until `/-/ready` answers.
    /// `tls` makes it scrape over HTTPS, trusting `caFile` for `serverName`; `basicAuth` is the
    /// user and password it scrapes with.
    public init(
        targets: [String], rules: String? = nil, blocks: String? = nil,
        tls: (caFile: String, serverName: String)? = nil,
        basicAuth: (user: String, password: String)? = nil
    ) async throws {
        let port = try FreePort.next()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cachewatch-prom-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let blocks {
            try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
            for block in try FileManager.default.contentsOfDirectory(atPath: blocks) {
                try FileManager.default.copyItem(atPath: "\(blocks)/\(block)", toPath: "\(directory)/data/\(block)")
            }
        }
        var config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: cachewatch
                static_configs:
                  - targets: [\(targets.map { "'\($0)'" }.joined(separator: ", "))]

            """
        if let tls {
            config +=
                "    scheme: https\n    tls_config:\n      ca_file: '\(tls.caFile)'\n      server_name: '\(tls.serverName)'\n"
        }
        if let basicAuth {
            config += "    basic_auth:\n      username: '\(basicAuth.user)'\n      password: '\(basicAuth.password)'\n"
        }
        if let rules {
            try rules.write(toFile: "\(directory)/rules.yml", atomically: true, encoding: .utf8)
            config += "rule_files:\n  - \(directory)/rules.yml\n"
        }
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        process = try ChildProcess(
            executable: "/usr/bin/prometheus",
            arguments: [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)",
            ], outputDirectory: directory)
        guard let base = URL(string: "http://127.0.0.1:\(port)") else { throw TestFailure("bad prometheus URL") }
        url = base
        let ready = try await waitUntilReady(url.appendingPathComponent("-/ready"), timeout: .seconds(30))
        guard ready else { throw TestFailure("prometheus did not become ready: \(process.standardError.suffix(2000))") }
    }

    /// The result vector of an instant PromQL query (at `time`, seconds since 1970; now by
    /// default): each series' labels and value.
    public func query(
        _ promQL: String, at time: Double? = nil
    ) async throws -> [(labels: [String: String], value: Double)] {
        var components = URLComponents(url: url.appendingPathComponent("api/v1/query"), resolvingAgainstBaseURL: false)
        components?.queryItems =
            [URLQueryItem(name: "query", value: promQL)]
            + (time.map { [URLQueryItem(name: "time", value: String(format: "%.3f", $0))] } ?? [])
        guard let queryURL = components?.url else { throw TestFailure("bad query \(promQL)") }
        let (data, _) = try await URLSession.shared.data(from: queryURL)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let result = ((object?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        return result.map { series in
            let labels = series["metric"] as? [String: String] ?? [:]
            let value = ((series["value"] as? [Any])?.last as? String).flatMap(Double.init) ?? .nan
            return (labels, value)
        }
    }

    /// The scrape targets' health as Prometheus reports it: `(health, lastError)` per target.
    public func targets() async throws -> [(health: String, lastError: String)] {
        let (data, _) = try await URLSession.shared.data(from: url.appendingPathComponent("api/v1/targets"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let active = ((object?["data"] as? [String: Any])?["activeTargets"] as? [[String: Any]]) ?? []
        return active.map { ($0["health"] as? String ?? "", $0["lastError"] as? String ?? "") }
    }

    /// What it logged.
    public var log: String { process.standardError }

    /// Stops it.
    public func stop() async {
        await process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
