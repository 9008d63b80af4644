import Foundation
import Telemetry

/// Computes one tick's metric values from a reading and the previous successful poll.
///
/// A counter that went down (restart, `CONFIG RESETSTAT`) is a reset: its rate is absent for
/// this tick, never negative. A restart (new `run_id` or uptime that went backwards) resets
/// every rate. Ratios with a zero denominator are absent, not 0 and not 1.
public enum DerivedMetrics {
    /// The values for one tick, by metric name (``Metric`` raw values and per-database names).
    /// Absent keys mean "no value at this tick".
    static func values(
        reading: Reading, time: Date, previous: CounterBaseline?
    ) -> (values: [SeriesKey: Double], reset: Bool, inFlight: OwnTraffic.Counts, ownAtStatsStart: OwnTraffic.Counts) {
        var values: [SeriesKey: Double] = [.metric(.up): 1]
        func set(_ metric: Metric, _ value: Double?) {
            if let value, value.isFinite { values[metric: metric] = value }
        }
        if let rtt = reading.pingRTT { set(.pingMs, rtt.secondsDouble * 1000) }
        if let slowlog = reading.slowlog { set(.slowlogNew, Double(slowlog.entries.count)) }
        guard let info = reading.info else {
            return (values, false, OwnTraffic.Counts(), previous?.ownAtStatsStart ?? OwnTraffic.Counts())
        }

        set(.usedMemoryBytes, info.memory.used.map(Double.init))
        set(.rssBytes, info.memory.rss.map(Double.init))
        set(.maxmemoryBytes, info.memory.maxmemory.map(Double.init))
        if let used = info.memory.used, let limit = info.memory.maxmemory, limit > 0 {
            set(.memoryUsedRatio, Double(used) / Double(limit))
        }
        set(.fragmentationRatio, info.memory.fragmentationRatio)
        if let policy = info.memory.maxmemoryPolicy {
            set(.evictionsDisabled, policy == .noEviction ? 1 : 0)
            set(.allkeysPolicy, policy.coversAllKeys ? 1 : 0)
            set(.volatilePolicy, policy.coversVolatileKeys ? 1 : 0)
        }
        if let role = info.replication.role { set(.rolePrimary, role == .primary ? 1 : 0) }
        if info.isPrimary {
            let replicas = info.replication.replicas
            set(.replicasOnline, Double(replicas.filter { $0.state == "online" }.count))
            if let offset = info.replication.replicationOffset, !replicas.isEmpty {
                set(.replicaLagBytesMax, Double(replicas.map { max(0, offset - $0.offset) }.max() ?? 0))
            }
        }
        if let cluster = reading.cluster {
            set(.clusterStateOK, cluster.isOK ? 1 : 0)
            set(.clusterSlotsUncovered, Double(cluster.uncoveredSlots))
            set(.clusterKnownNodes, Double(cluster.knownNodes))
        }
        if let link = info.replication.masterLinkStatus { set(.replicaLinkUp, link == "up" ? 1 : 0) }
        set(.replicaLastIOSeconds, info.replication.masterLastIOSecondsAgo.map(Double.init))
        set(.clientsConnected, info.clients.connected.map(Double.init))
        set(.clientsBlocked, info.clients.blocked.map(Double.init))
        if let connected = info.clients.connected, let limit = info.clients.maxClients, limit > 0 {
            set(.clientsUsedRatio, Double(connected) / Double(limit))
        }
        if info.sections["keyspace"] != nil {  // present but empty means 0 keys
            set(.keys, Double(info.totalKeys))
            set(.keysWithExpiry, Double(info.totalKeysWithExpiry))
            if info.totalKeys > 0 {
                set(.noTTLShare, Double(info.totalKeys - info.totalKeysWithExpiry) / Double(info.totalKeys))
            }
        }
        if let sizes = info.keySizes {  // Redis 8+: present but empty means no such key
            set(.largestStringBucketBytes, Double(sizes.largestBucket(of: [.strings]) ?? 0))
            set(
                .largestCollectionBucketItems,
                Double(sizes.largestBucket(of: [.lists, .sets, .zsets, .hashes]) ?? 0))
        }
        for (index, entry) in info.keyspace {
            values[.database(index, .keys)] = Double(entry.keys)
            values[.database(index, .keysWithExpiry)] = Double(entry.expires)
        }
        let current = CounterBaseline(info: info, time: time, own: reading.ownTraffic)
        let restarted =
            previous.map { previous in
                (current.runID != nil && previous.runID != nil && current.runID != previous.runID)
                    || (current.uptimeSeconds ?? .max) < (previous.uptimeSeconds ?? 0)
            } ?? false
        // Our lookups since the server's counters began (its start, or CONFIG RESETSTAT): the
        // lifetime hit ratio leaves them out, as the interval's does. Before our first poll,
        // everything we looked up counts (the counters began before we did, or with us).
        var statsStart = previous?.ownAtStatsStart ?? OwnTraffic.Counts()
        let statsReset = previous.map { (current.counters[.hits] ?? 0) < ($0.counters[.hits] ?? 0) } ?? false
        if restarted || statsReset { statsStart = current.own ?? OwnTraffic.Counts() }
        if let hits = info.stats.keyspaceHits, let misses = info.stats.keyspaceMisses {
            let ours = current.own ?? OwnTraffic.Counts()
            let applicationHits = max(0, hits - max(0, ours.hits - statsStart.hits))
            let applicationMisses = max(0, misses - max(0, ours.misses - statsStart.misses))
            if applicationHits + applicationMisses > 0 {
                set(.hitRatioLifetime, Double(applicationHits) / Double(applicationHits + applicationMisses))
            }
        }
        guard let previous else { return (values, false, OwnTraffic.Counts(), statsStart) }
        let elapsed = time.timeIntervalSince(previous.time)
        guard elapsed > 0, !restarted else { return (values, restarted, OwnTraffic.Counts(), statsStart) }

        var anyReset = false
        func delta(_ field: CounterField) -> Double? {
            guard let now = current.counters[field], let before = previous.counters[field] else { return nil }
            guard now >= before else {
                anyReset = true
                return nil
            }
            return Double(now - before)
        }
        func rate(_ field: CounterField) -> Double? { delta(field).map { $0 / elapsed } }

        // Our own PING, INFO and SLOWLOG, and the key sampler's commands and lookups on its own
        // connection, are counted by the server: leave them out.
        var own = OwnTraffic.Counts()
        if let now = current.own, let before = previous.own {
            own = OwnTraffic.Counts(
                commands: max(0, now.commands - before.commands), hits: max(0, now.hits - before.hits),
                misses: max(0, now.misses - before.misses), errors: max(0, now.errors - before.errors))
        }
        // Counted as sent, the sampler's commands may reach the server after this poll's INFO:
        // what this interval over-subtracts is carried to the next (at most what was sent in
        // this interval, so a miscount cannot hide real traffic for long).
        var inFlight = OwnTraffic.Counts()
        func withoutOwn(_ server: Double, _ ours: Int64, _ carried: Int64, _ carry: inout Int64) -> Double {
            let left = server - Double(ours) - Double(carried)
            carry = left < 0 ? min(Int64(-left), ours) : 0
            return max(0, left)
        }
        if let commands = delta(.commands) {
            let left = withoutOwn(
                commands - Double(reading.commandsSent), own.commands, previous.inFlight.commands, &inFlight.commands)
            set(.opsPerSec, left / elapsed)
        }
        let hits = delta(.hits).map { withoutOwn($0, own.hits, previous.inFlight.hits, &inFlight.hits) }
        let misses = delta(.misses).map { withoutOwn($0, own.misses, previous.inFlight.misses, &inFlight.misses) }
        set(.hitsPerSec, hits.map { $0 / elapsed })
        set(.missesPerSec, misses.map { $0 / elapsed })
        if let hits, let misses, hits + misses > 0 { set(.hitRatio, hits / (hits + misses)) }
        set(.evictedPerSec, rate(.evicted))
        set(.expiredPerSec, rate(.expired))
        set(.netInBytesPerSec, rate(.netIn))
        set(.netOutBytesPerSec, rate(.netOut))
        set(.rejectedConnectionsPerSec, rate(.rejected))
        set(.connectionsPerSec, rate(.connections))
        // Error replies to our own commands (a refused OBJECT, MEMORY USAGE or PTTL) are not
        // the application's.
        let errors = delta(.errorReplies).map {
            withoutOwn($0, own.errors, previous.inFlight.errors, &inFlight.errors)
        }
        set(.errorRepliesPerSec, errors.map { $0 / elapsed })
        if let now = current.cpuSeconds, let before = previous.cpuSeconds, now >= before {
            set(.cpuPercent, (now - before) / elapsed * 100)
        }
        // The main thread's CPU against its one core (the whole process where the server does
        // not tell the main thread's apart).
        if let now = current.mainThreadCPUSeconds ?? current.cpuSeconds,
            let before = previous.mainThreadCPUSeconds ?? previous.cpuSeconds, now >= before
        {
            set(.mainThreadCPURatio, (now - before) / elapsed)
        }
        return (values, anyReset, anyReset ? OwnTraffic.Counts() : inFlight, statsStart)
    }
}
