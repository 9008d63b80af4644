extension InfoSnapshot {
    /// Parses the text of an `INFO` reply. Lines that are not `name:value` are ignored, so
    /// unknown or future formats never fail a poll.
    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current = "default"
        var fields: [String: String] = [:]
        // Byte-level scanning: INFO is ASCII, and splitting by Character (grapheme
        // clusters) costs ten times more on a 20 KB reply.
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
                var contentEnd = lineEnd
                if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                defer { lineStart = lineEnd + 1 }
                guard contentEnd > lineStart else { continue }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<contentEnd])
                if line[0] == UInt8(ascii: "#") {
                    if !fields.isEmpty { sections[current, default: [:]].merge(fields) { _, new in new } }
                    fields = [:]
                    current = String(decoding: line.dropFirst(), as: UTF8.self).trimmingSpaces.lowercased()
                    sections[current, default: [:]] = sections[current] ?? [:]  // an empty section is still present
                    continue
                }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let name = String(decoding: UnsafeBufferPointer(rebasing: line[..<colon]), as: UTF8.self)
                fields[name] = String(decoding: UnsafeBufferPointer(rebasing: line[(colon + 1)...]), as: UTF8.self)
            }
        }
        if !fields.isEmpty { sections[current, default: [:]].merge(fields) { _, new in new } }
        self.init(sections: sections)
    }

    /// Builds typed sections from raw fields (already split by section).
    public init(sections: [String: [String: String]]) {
        self.sections = sections
        let all = sections.values.reduce(into: [String: String]()) { merged, fields in
            merged.merge(fields) { first, _ in first }
        }
        func int(_ name: String) -> Int64? { all[name].flatMap { Int64($0) } }
        func double(_ name: String) -> Double? { all[name].flatMap { Double($0) } }

        let valkeyVersion = all["valkey_version"]
        server = ServerSection(
            serverName: all["server_name"] ?? (valkeyVersion != nil ? "valkey" : "redis"),
            version: valkeyVersion ?? all["redis_version"],
            mode: all["server_mode"] ?? all["redis_mode"],
            runID: all["run_id"],
            uptimeSeconds: int("uptime_in_seconds"),
            tcpPort: all["tcp_port"].flatMap { Int($0) },
            os: all["os"],
            processID: int("process_id"))
        clients = ClientsSection(
            connected: int("connected_clients"), blocked: int("blocked_clients"), maxClients: int("maxclients"))
        memory = MemorySection(
            used: int("used_memory"), rss: int("used_memory_rss"), peak: int("used_memory_peak"),
            maxmemory: int("maxmemory"), maxmemoryPolicy: all["maxmemory_policy"].map(EvictionPolicy.init(name:)),
            fragmentationRatio: double("mem_fragmentation_ratio"), totalSystem: int("total_system_memory"))
        stats = StatsSection(
            totalConnectionsReceived: int("total_connections_received"),
            totalCommandsProcessed: int("total_commands_processed"),
            instantaneousOpsPerSec: int("instantaneous_ops_per_sec"),
            totalNetInputBytes: int("total_net_input_bytes"),
            totalNetOutputBytes: int("total_net_output_bytes"),
            rejectedConnections: int("rejected_connections"),
            expiredKeys: int("expired_keys"),
            evictedKeys: int("evicted_keys"),
            keyspaceHits: int("keyspace_hits"),
            keyspaceMisses: int("keyspace_misses"),
            totalErrorReplies: int("total_error_replies"))
        cpu = CPUSection(
            system: double("used_cpu_sys"), user: double("used_cpu_user"),
            mainThreadSystem: double("used_cpu_sys_main_thread"), mainThreadUser: double("used_cpu_user_main_thread"))

        let replicationFields = sections["replication"] ?? [:]
        let replicas = replicationFields.keys.filter { $0.hasPrefix("slave") && $0.dropFirst(5).allSatisfy(\.isNumber) }
            .sorted { Int($0.dropFirst(5)) ?? 0 < Int($1.dropFirst(5)) ?? 0 }
            .compactMap { key -> ReplicaLink? in
                let attributes = Self.attributes(replicationFields[key] ?? "")
                guard let ip = attributes["ip"], let port = attributes["port"].flatMap({ Int($0) }) else { return nil }
                return ReplicaLink(
                    ip: ip, port: port, state: attributes["state"] ?? "unknown",
                    offset: attributes["offset"].flatMap { Int64($0) } ?? 0,
                    lag: attributes["lag"].flatMap { Int64($0) } ?? 0)
            }
        replication = ReplicationSection(
            role: all["role"].flatMap(ReplicationRole.init(rawValue:)), connectedReplicas: int("connected_slaves"),
            replicationOffset: int("master_repl_offset") ?? int("slave_repl_offset"),
            masterLinkStatus: all["master_link_status"], masterHost: all["master_host"],
            masterPort: all["master_port"].flatMap { Int($0) },
            masterLastIOSecondsAgo: int("master_last_io_seconds_ago"), replicas: replicas)

        var keyspace: [Int: KeyspaceEntry] = [:]
        for (name, value) in sections["keyspace"] ?? [:] where name.hasPrefix("db") {
            guard let index = Int(name.dropFirst(2)) else { continue }
            let attributes = Self.attributes(value)
            keyspace[index] = KeyspaceEntry(
                keys: attributes["keys"].flatMap { Int64($0) } ?? 0,
                expires: attributes["expires"].flatMap { Int64($0) } ?? 0,
                averageTTLMilliseconds: attributes["avg_ttl"].flatMap { Int64($0) } ?? 0)
        }
        self.keyspace = keyspace

        var commandStats: [String: CommandStat] = [:]
        for (name, value) in sections["commandstats"] ?? [:] where name.hasPrefix("cmdstat_") {
            let attributes = Self.attributes(value)
            commandStats[String(name.dropFirst(8)).lowercased()] = CommandStat(
                calls: attributes["calls"].flatMap { Int64($0) } ?? 0,
                microseconds: attributes["usec"].flatMap { Int64($0) } ?? 0,
                microsecondsPerCall: attributes["usec_per_call"].flatMap { Double($0) } ?? 0,
                rejectedCalls: attributes["rejected_calls"].flatMap { Int64($0) } ?? 0,
                failedCalls: attributes["failed_calls"].flatMap { Int64($0) } ?? 0)
        }
        self.commandStats = commandStats

        var errorStats: [String: Int64] = [:]
        for (name, value) in sections["errorstats"] ?? [:] where name.hasPrefix("errorstat_") {
            errorStats[String(name.dropFirst(10))] = Self.attributes(value)["count"].flatMap { Int64($0) } ?? 0
        }
        self.errorStats = errorStats

        var latencyStats: [String: [String: Double]] = [:]
        let latencyPrefix = "latency_percentiles_usec_"
        for (name, value) in sections["latencystats"] ?? [:] where name.hasPrefix(latencyPrefix) {
            latencyStats[String(name.dropFirst(latencyPrefix.count)).lowercased()] =
                Self.attributes(value).compactMapValues { Double($0) }
        }
        self.latencyStats = latencyStats
    }

    /// Splits `a=1,b=2` into a dictionary.
    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in text.utf8.split(separator: UInt8(ascii: ",")) {
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else { continue }
            result[String(Substring(item[..<equals]))] = String(Substring(item[item.index(after: equals)...]))
        }
        return result
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        let start = firstIndex(where: { $0 != " " }) ?? endIndex
        let end = lastIndex(where: { $0 != " " }).map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
