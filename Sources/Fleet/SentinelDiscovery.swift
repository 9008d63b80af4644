import Foundation
import RESP
import RedisClient
import Synchronization
import Telemetry

/// Asks Redis Sentinel where a primary and its replicas are, and what each sentinel thinks:
/// every sentinel known is asked in one pipeline — `SENTINEL GET-MASTER-ADDR-BY-NAME`, `MASTER`,
/// `REPLICAS`, `SENTINELS`, `CKQUORUM` and `INFO sentinel` (TILT) — on a connection kept
/// between reads. The sentinels each one knows of are added to those asked.
public final class SentinelDiscovery: Sendable {
    /// The name the sentinels know the primary by.
    public let masterName: String
    private let template: Endpoint
    private let configuration: ConnectionConfiguration
    private let connections = Mutex<[String: ManagedConnection]>([:])
    private let order = Mutex<[Endpoint]>([])

    /// Asks `sentinels` (each with the sentinels' credentials and TLS) about `masterName`.
    public init(sentinels: [Endpoint], masterName: String, configuration: ConnectionConfiguration) {
        self.masterName = masterName
        template = sentinels.first ?? Endpoint(address: .tcp(host: "127.0.0.1", port: SentinelURL.defaultSentinelPort))
        self.configuration = configuration
        order.withLock { $0 = sentinels }
    }

    /// The sentinels asked, in the order they were given or found.
    public var sentinels: [Endpoint] { order.withLock { $0 } }

    /// Reads the group from every sentinel known.
    ///
    /// - Throws: ``FleetError`` when no sentinel answers, or none knows `masterName`.
    public func read() async throws(FleetError) -> SentinelGroup {
        var views: [SentinelGroup.View] = []
        var replicas: [String] = []
        var down = Set<String>()
        var refusals: [String] = []
        var index = 0
        while index < sentinels.count {
            let endpoint = sentinels[index]
            index += 1
            let name = Self.name(endpoint)
            let connection = connections.withLock { table in
                if let known = table[name] { return known }
                let made = ManagedConnection(endpoint: endpoint, configuration: configuration)
                table[name] = made
                return made
            }
            let replies: [PipelineReply]
            do {
                replies = try await connection.pipeline(Self.commands(masterName))
            } catch {
                views.append(SentinelGroup.View(sentinel: name, isReachable: false))
                continue
            }
            let results = replies.map(\.result)
            guard case .success(let address) = results[0], let pair = address.elements, pair.count == 2,
                let host = pair[0].stringValue, let port = pair[1].stringValue
            else {
                if case .failure(let error) = results[0] { refusals.append("\(name): \(error.message)") }
                views.append(SentinelGroup.View(sentinel: name, isReachable: true))
                continue
            }
            var view = SentinelGroup.View(sentinel: name, isReachable: true, primary: Self.address(host, port))
            if case .success(let master) = results[1] {
                let fields = Self.fields(master)
                view.primaryFlags = (fields["flags"] ?? "").split(separator: ",").map(String.init)
                view.quorum = fields["quorum"].flatMap { Int($0) }
            }
            if case .success(let list) = results[2] {
                for entry in list.elements ?? [] {
                    let fields = Self.fields(entry)
                    guard let ip = fields["ip"], let port = fields["port"] else { continue }
                    let replica = Self.address(ip, port)
                    if !replicas.contains(replica) { replicas.append(replica) }
                    let flags = (fields["flags"] ?? "").split(separator: ",")
                    if flags.contains("s_down") || flags.contains("o_down") || flags.contains("disconnected") {
                        down.insert(replica)
                    }
                }
            }
            if case .success(let list) = results[3] {
                for entry in list.elements ?? [] {
                    let fields = Self.fields(entry)
                    guard let ip = fields["ip"], let portText = fields["port"], let port = Int(portText) else {
                        continue
                    }
                    var other = template
                    other.address = .tcp(host: ip, port: port)
                    order.withLock { known in
                        if !known.contains(where: { Self.name($0) == Self.name(other) }) { known.append(other) }
                    }
                }
            }
            switch results[4] {
            case .success(let answer):
                view.hasQuorum = true
                view.quorumText = answer.stringValue
            case .failure(let error):
                view.hasQuorum = error.message.hasPrefix("NOQUORUM") ? false : nil
                view.quorumText = error.message
            }
            if case .success(let info) = results[5], let text = info.stringValue {
                view.isTilted = Self.infoField(text, "sentinel_tilt").map { $0 == "1" }
            }
            views.append(view)
        }
        guard views.contains(where: \.isReachable) else {
            throw FleetError(
                "no sentinel answers (\(views.map(\.sentinel).joined(separator: ", "))): cannot find '\(masterName)'")
        }
        guard let primary = SentinelGroup.majorityPrimary(views) else {
            let why = refusals.first.map { " (\($0))" } ?? ""
            throw FleetError("no sentinel knows a primary named '\(masterName)'\(why)")
        }
        return SentinelGroup(
            masterName: masterName, primary: primary, replicas: replicas.filter { $0 != primary }, replicasDown: down,
            views: views)
    }

    /// Closes every connection to the sentinels.
    public func close() async {
        let all = connections.withLock { table in
            defer { table = [:] }
            return Array(table.values)
        }
        for connection in all { await connection.close() }
    }

    /// The commands of one read: the read-only SENTINEL subcommands of the allowlist.
    static func commands(_ name: String) -> [RESPCommand] {
        [
            RESPCommand("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name), RESPCommand("SENTINEL", "MASTER", name),
            RESPCommand("SENTINEL", "REPLICAS", name), RESPCommand("SENTINEL", "SENTINELS", name),
            RESPCommand("SENTINEL", "CKQUORUM", name), RESPCommand("INFO", "sentinel"),
        ]
    }

    /// `host:port` (IPv6 hosts in brackets), the name nodes are watched under.
    static func address(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The name a sentinel endpoint is shown under.
    static func name(_ endpoint: Endpoint) -> String {
        guard case .tcp(let host, let port) = endpoint.address else { return endpoint.description }
        return address(host, String(port))
    }

    /// The fields of a flat map (RESP2) or a map (RESP3), as text.
    static func fields(_ value: RESPValue) -> [String: String] {
        var fields: [String: String] = [:]
        let flat = value.elements ?? []
        var index = 0
        while index + 1 < flat.count {
            if let name = flat[index].stringValue,
                let text = flat[index + 1].stringValue ?? flat[index + 1].intValue.map({ String($0) })
            {
                fields[name] = text
            }
            index += 2
        }
        return fields
    }

    /// The value of `field` in an INFO text.
    static func infoField(_ text: String, _ field: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
