import Foundation
import Workload

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port, with a
/// null receiver, clustering off and a private storage directory.
public final class AlertmanagerProcess: @unchecked Sendable {
    /// Its base URL.
    public let url: URL
    private let process: ChildProcess
    private let directory: String

    /// Starts it and waits until `/-/ready` answers; `extraConfig` is appended to its
    /// configuration (top-level YAML, such as `inhibit_rules`).
    public init(extraConfig: String = "") async throws {
        let port = try FreePort.next()
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cachewatch-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = "\(directory)/alertmanager.yml"
        try ("route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n" + extraConfig).write(
            toFile: config, atomically: true, encoding: .utf8)
        process = try ChildProcess(
            executable: "/usr/bin/prometheus-alertmanager",
            arguments: [
                "--config.file=\(config)", "--storage.path=\(directory)", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=",
            ], outputDirectory: directory)
        guard let base = URL(string: "http://127.0.0.1:\(port)") else { throw TestFailure("bad alertmanager URL") }
        url = base
        let ready = try await waitUntilReady(url.appendingPathComponent("-/ready"), timeout: .seconds(20))
        guard ready else { throw TestFailure("alertmanager did not become ready: \(process.standardError)") }
    }

    /// The active alerts, as JSON objects.
    public func alerts() async throws -> [[String: Any]] {
        let (data, _) = try await URLSession.shared.data(from: url.appendingPathComponent("api/v2/alerts"))
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    /// Stops it.
    public func stop() async {
        await process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
