import RESP
import RedisClient

/// The nodes of a Redis Cluster and who serves which slots, from `CLUSTER SHARDS` (Redis 7+,
/// Valkey) or `CLUSTER NODES` (older servers).
public struct ClusterTopology: Sendable, Hashable {
    /// Every node, primaries first, then by address.
    public var nodes: [ClusterNode]

    /// Creates a topology; the nodes are put in display order.
    public init(nodes: [ClusterNode]) {
        self.nodes = nodes.sorted {
            ($0.role == .primary ? 0 : 1, $0.host, $0.port) < ($1.role == .primary ? 0 : 1, $1.host, $1.port)
        }
    }

    /// The primaries.
    public var primaries: [ClusterNode] { nodes.filter { $0.role == .primary } }

    /// Slots no primary that is up serves.
    public var uncoveredSlots: Int {
        ClusterInfo.slotCount - primaries.filter { !$0.isFailed }.reduce(0) { $0 + $1.slotCount }
    }

    /// The same topology with each node named as a node polled at `endpoint(like: seed)` is
    /// (`Endpoint.description`): the names samples, screens and alerts carry.
    public func named(like seed: Endpoint) -> ClusterTopology {
        var named = self
        for index in named.nodes.indices {
            named.nodes[index].name = named.nodes[index].endpoint(like: seed).description
        }
        return named
    }

    /// The node with `id`.
    public func node(id: String) -> ClusterNode? { nodes.first { $0.id == id } }

    /// Parses a `CLUSTER SHARDS` reply (RESP2 flat maps or RESP3 maps).
    ///
    /// - Throws: ``TopologyError`` when the reply is not a list of shards.
    public init(shards reply: RESPValue) throws(TopologyError) {
        guard let shards = reply.withoutAttributes.elements else {
            throw TopologyError("CLUSTER SHARDS did not return a list")
        }
        var nodes: [ClusterNode] = []
        for shard in shards {
            let fields = Self.fields(shard)
            let bounds = (fields["slots"]?.elements ?? []).compactMap { $0.intValue.map(Int.init) }
            var slots: [ClosedRange<Int>] = []
            var index = 0
            while index + 1 < bounds.count {
                if bounds[index] <= bounds[index + 1] { slots.append(bounds[index]...bounds[index + 1]) }
                index += 2
            }
            var members: [ClusterNode] = []
            for entry in fields["nodes"]?.elements ?? [] {
                let node = Self.fields(entry)
                guard let id = node["id"]?.stringValue else { continue }
                let host = [node["ip"], node["endpoint"]].compactMap { $0?.stringValue }.first {
                    !$0.isEmpty && $0 != "?"
                }
                // A node the cluster lost the address of (`noaddr`: it answered under another
                // id, as after `CLUSTER RESET HARD`) has no ip and endpoint `?`: nothing to
                // poll, and skipped as `CLUSTER NODES` parsing skips it.
                guard let host else { continue }
                let role: ClusterNode.Role = node["role"]?.stringValue == "master" ? .primary : .replica
                let health = node["health"]?.stringValue ?? "online"
                members.append(
                    ClusterNode(
                        id: id, host: host, port: Int(node["port"]?.intValue ?? 0),
                        tlsPort: node["tls-port"]?.intValue.map(Int.init), role: role,
                        slots: role == .primary ? slots : [], isFailed: health == "failed"))
            }
            // A shard's replicas follow its primary; a shard whose primary failed with no
            // replica promoted yet keeps the failed node as its primary.
            let primaryID =
                (members.first { $0.role == .primary && !$0.isFailed } ?? members.first { $0.role == .primary })?.id
            for var member in members {
                if member.role == .replica { member.primaryID = primaryID }
                nodes.append(member)
            }
        }
        self.init(nodes: nodes)
    }

    /// Parses a `CLUSTER NODES` reply: one line per node,
    /// `id host:port@cport[,hostname] flags primary ping pong epoch link slot…`.
    ///
    /// - Throws: ``TopologyError`` when no line parses.
    public init(nodesText text: String) throws(TopologyError) {
        var nodes: [ClusterNode] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ")
            guard parts.count >= 8 else { continue }
            let address = parts[1].split(separator: ",")[0].split(separator: "@")[0]
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...])
            else { continue }
            var host = String(address[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let flags = Set(parts[2].split(separator: ",").map(String.init))
            guard !flags.contains("handshake"), !flags.contains("noaddr") else { continue }
            let role: ClusterNode.Role = flags.contains("master") ? .primary : .replica
            var slots: [ClosedRange<Int>] = []
            for item in parts.dropFirst(8) where !item.hasPrefix("[") {  // [slot->-id] are migrations
                let bounds = item.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 2, bounds[0] <= bounds[1] {
                    slots.append(bounds[0]...bounds[1])
                } else if bounds.count == 1 {
                    slots.append(bounds[0]...bounds[0])
                }
            }
            nodes.append(
                ClusterNode(
                    id: String(parts[0]), host: host.isEmpty ? "?" : host, port: port, role: role,
                    primaryID: parts[3] == "-" ? nil : String(parts[3]), slots: slots,
                    isFailed: flags.contains("fail"), isSuspected: flags.contains("fail?")))
        }
        guard !nodes.isEmpty else { throw TopologyError("CLUSTER NODES returned no node") }
        self.init(nodes: nodes)
    }

    private static func fields(_ value: RESPValue) -> [String: RESPValue] {
        var fields: [String: RESPValue] = [:]
        let flat = value.withoutAttributes.elements ?? []
        var index = 0
        while index + 1 < flat.count {
            if let name = flat[index].stringValue { fields[name] = flat[index + 1] }
            index += 2
        }
        return fields
    }
}

/// A topology reply that cannot be read.
public struct TopologyError: Error, Sendable, CustomStringConvertible {
    /// The one-line reason.
    public let description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
