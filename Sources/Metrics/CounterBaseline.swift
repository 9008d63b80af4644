import Foundation
import Telemetry

/// The lifetime counters of the previous successful poll: rates are their differences.
struct CounterBaseline: Sendable {
    var time: Date
    var runID: String?
    var uptimeSeconds: Int64?
    var counters: [CounterField: Int64]
    var cpuSeconds: Double?
    /// CPU seconds of the main thread, where the server tells.
    var mainThreadCPUSeconds: Double?
    /// cachewatch's own load from its other connections up to this poll.
    var own: OwnTraffic.Counts?
    /// Own traffic counted (as sent) before the server had executed it: the poll's `INFO` ran
    /// before those commands did, so they are left out of the next interval instead.
    var inFlight = OwnTraffic.Counts()
    /// cachewatch's own load when the server's counters began (or when it started watching):
    /// what it has added since is left out of the lifetime hit ratio.
    var ownAtStatsStart = OwnTraffic.Counts()

    init(info: InfoSnapshot, time: Date, own: OwnTraffic.Counts? = nil) {
        self.time = time
        self.own = own
        runID = info.server.runID
        uptimeSeconds = info.server.uptimeSeconds
        counters = [:]
        for field in CounterField.allCases {
            if let value = field.value(in: info) { counters[field] = value }
        }
        if let user = info.cpu.user, let system = info.cpu.system { cpuSeconds = user + system }
        if let user = info.cpu.mainThreadUser, let system = info.cpu.mainThreadSystem {
            mainThreadCPUSeconds = user + system
        }
    }
}

/// The monotonic INFO counters that rates are derived from.
enum CounterField: CaseIterable, Sendable {
    case commands, hits, misses, evicted, expired, netIn, netOut, rejected, connections, errorReplies

    func value(in info: InfoSnapshot) -> Int64? {
        let stats = info.stats
        switch self {
        case .commands: return stats.totalCommandsProcessed
        case .hits: return stats.keyspaceHits
        case .misses: return stats.keyspaceMisses
        case .evicted: return stats.evictedKeys
        case .expired: return stats.expiredKeys
        case .netIn: return stats.totalNetInputBytes
        case .netOut: return stats.totalNetOutputBytes
        case .rejected: return stats.rejectedConnections
        case .connections: return stats.totalConnectionsReceived
        case .errorReplies: return stats.totalErrorReplies
        }
    }
}
