import Foundation
import Metrics

/// `manifest.json` of a snapshot directory: what was watched, when, how much of the keyspace
/// the sample covers, how keys were exported, and the files beside it. Absent figures are `null`.
struct SnapshotManifest: Encodable {
    let toolVersion: String
    let endpoint: String
    let nodes: [String]
    let serverVersion: String?
    let takenAt: String
    let windowStart: String
    let ticks: Int
    let sampledKeys: Int?
    let namespaces: Int?
    let totalKeys: Int64?
    let samplingCoverage: Double?
    let completePasses: Int?
    let keysRedacted: Bool
    let formulasNeutralized: Bool
    let files: [String]
    /// The RDB file the keyspace figures come from, its save time and age at the snapshot.
    let keyspaceDump: String?
    let keyspaceDumpSavedAt: String?
    let keyspaceDumpAgeSeconds: Double?

    private enum Key: String, CodingKey {
        case tool, endpoint, nodes, ticks, namespaces, files
        case toolVersion = "tool_version"
        case serverVersion = "server_version"
        case takenAt = "taken_at"
        case windowStart = "window_start"
        case sampledKeys = "sampled_keys"
        case totalKeys = "total_keys"
        case samplingCoverage = "sampling_coverage"
        case completePasses = "complete_passes"
        case keysRedacted = "keys_redacted"
        case formulasNeutralized = "formulas_neutralized"
        case keyspaceDump = "keyspace_from_rdb"
        case keyspaceDumpSavedAt = "rdb_saved_at"
        case keyspaceDumpAgeSeconds = "rdb_age_seconds"
    }

    /// The manifest of `snapshot`, written with `options` into a directory holding `files`.
    init(_ snapshot: Snapshot, options: ExportOptions, files: [String]) {
        let model = snapshot.keyspaces[snapshot.node]
        toolVersion = snapshot.toolVersion
        endpoint = snapshot.endpoint
        nodes = snapshot.store.nodeNames
        serverVersion = snapshot.store[snapshot.node]?.lastInfo?.server.version
        takenAt = ValueFormatting.iso8601(snapshot.takenAt)
        windowStart = ValueFormatting.iso8601(Date(timeIntervalSince1970: snapshot.windowStart))
        ticks = snapshot.store.nodeNames.reduce(0) { total, name in
            total + (snapshot.store[name]?.times.filter { $0 >= snapshot.windowStart }.count ?? 0)
        }
        sampledKeys = model?.sampledKeys
        namespaces = model?.namespaces.count
        totalKeys = model?.totalKeys
        samplingCoverage = model.flatMap { model in
            model.totalKeys.map { total in total > 0 ? min(1, Double(model.sampledKeys) / Double(total)) : 1 }
        }
        completePasses = snapshot.keyspaces[snapshot.node]?.passes
        keysRedacted = options.redactsKeys
        formulasNeutralized = options.neutralizesFormulas
        self.files = files
        keyspaceDump = snapshot.keyspaceDump?.path
        keyspaceDumpSavedAt = snapshot.keyspaceDump.map { ValueFormatting.iso8601($0.savedAt) }
        keyspaceDumpAgeSeconds = snapshot.keyspaceDump.map { snapshot.takenAt.timeIntervalSince($0.savedAt) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode("cachewatch", forKey: .tool)
        try container.encode(toolVersion, forKey: .toolVersion)
        try container.encode(endpoint, forKey: .endpoint)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(serverVersion, forKey: .serverVersion)
        try container.encode(takenAt, forKey: .takenAt)
        try container.encode(windowStart, forKey: .windowStart)
        try container.encode(ticks, forKey: .ticks)
        try container.encode(sampledKeys, forKey: .sampledKeys)
        try container.encode(namespaces, forKey: .namespaces)
        try container.encode(totalKeys, forKey: .totalKeys)
        try container.encode(samplingCoverage, forKey: .samplingCoverage)
        try container.encode(completePasses, forKey: .completePasses)
        try container.encode(keysRedacted, forKey: .keysRedacted)
        try container.encode(formulasNeutralized, forKey: .formulasNeutralized)
        try container.encode(files, forKey: .files)
        if let keyspaceDump {
            try container.encode(keyspaceDump, forKey: .keyspaceDump)
            try container.encode(keyspaceDumpSavedAt, forKey: .keyspaceDumpSavedAt)
            try container.encode(keyspaceDumpAgeSeconds, forKey: .keyspaceDumpAgeSeconds)
        }
    }
}
