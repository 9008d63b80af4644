import ArgumentParser
import Fleet
import Foundation
import RedisClient

/// Which servers to watch: one or more URLs, a targets file, and whether they are a cluster.
struct TargetOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Server URLs (redis://…, rediss://…, unix:///…): one node, several, or any node of a cluster; or one redis+sentinel://[user:pass@]host:port[,host:port…]/<master>[/db] to find a primary through Sentinel (the URL's credentials are the sentinels', the data nodes use --user/-a).",
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

    @Option(
        name: .customLong("sentinel"),
        help: ArgumentHelp(
            "A Redis Sentinel to find the primary through (repeat for several; with --master). The same as redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER.",
            valueName: "host:port"))
    var sentinels: [String] = []

    @Option(name: .customLong("master"), help: "With --sentinel: the name the sentinels know the primary by.")
    var masterName: String?

    @Option(
        name: .customLong("sentinel-user"),
        help: "With Sentinel: the sentinels' ACL user (the data nodes use --user, as clients keep the two apart).")
    var sentinelUser: String?

    @Option(
        name: .customLong("sentinel-pass"),
        help:
            "With Sentinel: the sentinels' password (the data nodes use -a or REDISCLI_AUTH). Prefer the SENTINEL_AUTH environment variable."
    )
    var sentinelPassword: String?

    func validate() throws {
        if cluster && noCluster { throw ValidationError("--cluster and --no-cluster exclude each other") }
        if !sentinels.isEmpty && masterName == nil { throw ValidationError("--sentinel needs --master NAME") }
        if masterName != nil && sentinels.isEmpty { throw ValidationError("--master goes with --sentinel HOST:PORT") }
        let sentinelURLs = urls.filter(SentinelURL.isSentinelURL)
        if !sentinelURLs.isEmpty || !sentinels.isEmpty {
            if urls.count > sentinelURLs.count || targetsFile != nil
                || sentinelURLs.count + (sentinels.isEmpty ? 0 : 1) > 1
            {
                throw ValidationError(
                    "a primary found through Sentinel is watched alone: give one redis+sentinel:// URL (or --sentinel), no other servers"
                )
            }
            if cluster { throw ValidationError("--cluster does not go with Sentinel") }
        } else if sentinelUser != nil || sentinelPassword != nil {
            throw ValidationError("--sentinel-user and --sentinel-pass go with Sentinel")
        }
    }

    /// The Sentinel group to find the primary through, when a `redis+sentinel://` URL or
    /// `--sentinel` says so: the sentinels with their credentials (the URL's, else
    /// `--sentinel-user`/`--sentinel-pass`/`SENTINEL_AUTH`), the data nodes with the connection
    /// flags'.
    func sentinelSource(
        connection: ConnectionOptions, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> SentinelSource? {
        var url: SentinelURL
        if let text = urls.first(where: SentinelURL.isSentinelURL) {
            do { url = try SentinelURL(url: text) } catch { throw ValidationError(error.description) }
        } else if !sentinels.isEmpty, let masterName {
            var endpoints: [Endpoint] = []
            for sentinel in sentinels {
                let hasPort = sentinel.hasPrefix("[") ? sentinel.contains("]:") : sentinel.contains(":")
                let text = hasPort ? sentinel : "\(sentinel):\(SentinelURL.defaultSentinelPort)"
                do { endpoints.append(try Endpoint(url: "redis://\(text)")) } catch {
                    throw ValidationError("--sentinel \(sentinel): not host:port")
                }
            }
            url = SentinelURL(sentinels: endpoints, masterName: masterName, usesTLS: connection.tls)
        } else {
            return nil
        }
        let password = sentinelPassword ?? environment["SENTINEL_AUTH"].flatMap { $0.isEmpty ? nil : $0 }
        for index in url.sentinels.indices {
            if url.sentinels[index].username == nil, let sentinelUser { url.sentinels[index].username = sentinelUser }
            if url.sentinels[index].password == nil, let password { url.sentinels[index].password = Secret(password) }
            if connection.tls { url.sentinels[index].usesTLS = true }
        }
        var dataNode = try connection.endpoint(positionalURL: nil, environment: environment)
        if url.database != 0 { dataNode.database = url.database }
        if url.usesTLS { dataNode.usesTLS = true }
        return SentinelSource(sentinels: url.sentinels, masterName: url.masterName, dataNode: dataNode)
    }

    /// The cluster discovery mode the flags ask for.
    var clusterMode: FleetConfiguration.ClusterMode { cluster ? .required : noCluster ? .off : .automatic }

    /// The targets: the URLs (each with the connection flags applied), then the file's; the
    /// default server when none is given.
    func targets(connection: ConnectionOptions) throws -> [NodeTarget] {
        var targets: [NodeTarget] = []
        // A primary found through Sentinel has no targets of its own: the sentinels name them.
        if !sentinels.isEmpty || urls.contains(where: SentinelURL.isSentinelURL) { return [] }
        if urls.isEmpty && targetsFile == nil {
            targets.append(NodeTarget(endpoint: try connection.endpoint(positionalURL: nil)))
        }
        if urls.count > 1 && connection.url != nil {
            throw ValidationError("give the servers either as arguments or with -u, not both")
        }
        for url in urls where !SentinelURL.isSentinelURL(url) {
            targets.append(NodeTarget(endpoint: try connection.endpoint(positionalURL: url)))
        }
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
