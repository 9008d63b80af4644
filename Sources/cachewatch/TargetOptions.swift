import ArgumentParser
import Fleet
import Foundation
import RedisClient

/// Which servers to watch: one or more URLs, a targets file, and whether they are a cluster.
struct TargetOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Server URLs (redis://…, rediss://…, unix:///…): one node, several, or any node of a cluster.",
            valueName: "url"))
    var urls: [String] = []

    @Option(
        name: .customLong("targets"),
        help: "A YAML file listing servers with names: targets: [{name: sessions, url: redis://…}, …].")
    var targetsFile: String?

    @Flag(
        name: .customLong("cluster"),
        help: "The server is a Redis Cluster node: discover and watch every node (automatic when it is one).")
    var cluster = false

    @Flag(name: .customLong("no-cluster"), help: "Watch only the servers given, even if they are cluster nodes.")
    var noCluster = false

    func validate() throws {
        if cluster && noCluster { throw ValidationError("--cluster and --no-cluster exclude each other") }
    }

    /// The cluster discovery mode the flags ask for.
    var clusterMode: FleetConfiguration.ClusterMode { cluster ? .required : noCluster ? .off : .automatic }

    /// The targets: the URLs (each with the connection flags applied), then the file's; the
    /// default server when none is given.
    func targets(connection: ConnectionOptions) throws -> [NodeTarget] {
        var targets: [NodeTarget] = []
        if urls.isEmpty && targetsFile == nil {
            targets.append(NodeTarget(endpoint: try connection.endpoint(positionalURL: nil)))
        }
        if urls.count > 1 && connection.url != nil {
            throw ValidationError("give the servers either as arguments or with -u, not both")
        }
        for url in urls { targets.append(NodeTarget(endpoint: try connection.endpoint(positionalURL: url))) }
        if let targetsFile {
            let text: String
            do {
                text = try TextInput.read(targetsFile)
            } catch {
                throw ValidationError("cannot read targets file: \(error)")
            }
            let entries: [TargetsFile.Entry]
            do {
                entries = try TargetsFile.parse(text, source: TextInput.name(targetsFile))
            } catch {
                throw ValidationError(error.description)
            }
            for entry in entries {
                var endpoint = try connection.endpoint(positionalURL: entry.url)
                if entry.tls { endpoint.usesTLS = true }
                targets.append(NodeTarget(name: entry.name, endpoint: endpoint))
            }
        }
        var seen = Set<String>()
        for target in targets where !seen.insert(target.name).inserted {
            throw ValidationError("'\(target.name)' is listed twice; give the targets different names or URLs")
        }
        if targets.count > 1 && clusterMode == .required {
            throw ValidationError("--cluster takes one seed node: the others are discovered")
        }
        return targets
    }

    /// Whether any URL given on the command line carries a password (visible to other users).
    var showsPassword: Bool { urls.contains { Endpoint.masked($0) != $0 } }
}
