import Alerts
import Export
import Foundation
import Metrics
import Telemetry
import Testing

/// `check`'s verdict from a fixed store and rule set: no server involved.
@Suite("check's report")
struct CheckReportTests {
    private static let start = 1_800_000_000.0

    /// A store of `node` polled twice a second apart: 1,000 commands, `hits` and `misses` in it.
    private static func store(
        _ nodes: [String] = ["cache-1"], hits: Int64 = 900, misses: Int64 = 100, down: [String] = [],
        usedMemory: Int64 = 600, evicted: Int64 = 0
    ) -> MetricStore {
        var store = MetricStore()
        for node in nodes {
            for (second, fraction) in [(0.0, Int64(0)), (1.0, Int64(1))] {
                let sections: [String: [String: String]] = [
                    "server": ["run_id": "r", "uptime_in_seconds": "100"],
                    "stats": [
                        "total_commands_processed": String(1000 * fraction), "keyspace_hits": String(hits * fraction),
                        "keyspace_misses": String(misses * fraction), "evicted_keys": String(evicted * fraction),
                        "expired_keys": "0",
                    ],
                    "memory": [
                        "used_memory": String(usedMemory), "maxmemory": "1000", "maxmemory_policy": "allkeys-lru",
                    ],
                    "clients": ["connected_clients": "7"],
                    "keyspace": ["db0": "keys=10,expires=0,avg_ttl=0"],
                ]
                let reading = Reading(info: InfoSnapshot(sections: sections), slowlog: nil, pingRTT: .milliseconds(2))
                store.ingest(
                    Sample(node: node, time: Date(timeIntervalSince1970: start + second), outcome: .reading(reading)))
            }
        }
        for node in down {
            store.ingest(
                Sample(
                    node: node, time: Date(timeIntervalSince1970: start + 1),
                    outcome: .failure(PollFailure(kind: .connection, message: "connection refused"))))
        }
        return store
    }

    private static let rules = [
        AlertRule(
            name: "HitRatioLow", condition: AlertCondition(metric: .metric(.hitRatio), .below, 0.8),
            forSeconds: 300, severity: .warning, summary: "hit ratio under 80 %"),
        AlertRule(
            name: "HitRatioCollapsed", condition: AlertCondition(metric: .metric(.hitRatio), .below, 0.2),
            forSeconds: 300, severity: .critical),
    ]

    private static let info = AlertRule(
        name: "JustSaying", condition: AlertCondition(metric: .metric(.hitRatio), .below, 0.95), severity: .info)

    @Test("OK: the node's figures, and perfdata in a fixed order; an info rule is told but does not warn")
    func ok() {
        let report = CheckReport(store: Self.store(), rules: Self.rules)
        #expect(report.status == .ok && report.status.exitCode == 0)
        #expect(
            report.line
                == "CACHEWATCH OK - cache-1: hit ratio 90.0%, 1.00k ops/s, memory 60.0% | hit_ratio=90%;80:;20:;0;100 ops_per_sec=1000;;;0; evicted_per_sec=0;;;0; expired_per_sec=0;;;0; memory_used_ratio=60%;;;0;100 clients_connected=7;;;0; ping_ms=2ms;;;0;"
        )
        let told = CheckReport(store: Self.store(), rules: Self.rules + [Self.info])
        #expect(told.status == .ok)
        #expect(told.summary == "JustSaying: 0.900")
    }

    @Test("WARNING and CRITICAL from the rules' conditions, their 'for' ignored")
    func warningAndCritical() {
        let warning = CheckReport(store: Self.store(hits: 600, misses: 400), rules: Self.rules)
        #expect(warning.status == .warning && warning.status.exitCode == 1)
        #expect(warning.summary == "HitRatioLow: hit ratio under 80 %")
        let critical = CheckReport(store: Self.store(hits: 100, misses: 900), rules: Self.rules)
        #expect(critical.status == .critical && critical.status.exitCode == 2)
        #expect(critical.summary.hasPrefix("HitRatioCollapsed: 0.1"), "\(critical.summary)")
        #expect(critical.summary.contains("HitRatioLow: hit ratio under 80 %"))
    }

    @Test("memory full: one incident — MemoryFull first, the alerts it explains named after it, once")
    func incident() throws {
        let store = Self.store(hits: 500, misses: 500, usedMemory: 990, evicted: 400)
        let rules = DefaultRules.ruleSet
        let report = CheckReport(store: store, rules: rules.rules, inhibitions: rules.inhibitions)
        #expect(report.status == .warning, "\(report.line)")
        let first = try #require(report.summary.split(separator: ";").first)
        #expect(first.hasPrefix("MemoryFull: "), "the cause leads: \(report.summary)")
        #expect(first.contains("(causing ") && first.contains("EvictionsActive"), "\(first)")
        #expect(!report.summary.contains("; EvictionsActive:"), "a symptom is not told on its own: \(report.summary)")
        // Without inhibitions, every alert on its own.
        let flat = CheckReport(store: store, rules: rules.rules)
        #expect(flat.summary.contains("; EvictionsActive:") || flat.summary.hasPrefix("EvictionsActive:"))
        #expect(flat.status == report.status)
    }

    @Test("several nodes: one down is CRITICAL, totals as perfdata; none answering is UNKNOWN")
    func severalNodes() {
        let healthy = CheckReport(store: Self.store(["a", "b"]), rules: Self.rules)
        #expect(healthy.status == .ok)
        #expect(healthy.summary == "2 nodes: hit ratio 90.0%, 2.00k ops/s, max memory 60.0%")
        #expect(
            healthy.perfdata == [
                "hit_ratio=90%;80:;20:;0;100", "ops_per_sec=2000;;;0;", "evicted_per_sec=0;;;0;",
                "expired_per_sec=0;;;0;", "memory_used_ratio_max=60%;;;0;100", "nodes_up=2;;;0;", "nodes_down=0;;;0;",
            ])
        let oneDown = CheckReport(store: Self.store(["a"], down: ["b"]), rules: Self.rules)
        #expect(oneDown.status == .critical)
        #expect(oneDown.summary == "b unreachable: connection refused")
        #expect(oneDown.perfdata.suffix(2) == ["nodes_up=1;;;0;", "nodes_down=1;;;0;"])
        let none = CheckReport(store: Self.store([], down: ["a", "b"]), rules: Self.rules)
        #expect(none.status == .unknown && none.status.exitCode == 3)
        #expect(none.line == "CACHEWATCH UNKNOWN - no node answers; connection refused")
        #expect(CheckReport(store: MetricStore(), rules: []).line == "CACHEWATCH UNKNOWN - no data")
        #expect(CheckReport.unknown("wrong password").line == "CACHEWATCH UNKNOWN - wrong password")
    }

    @Test("a node that answers without INFO (renamed away, denied) is UNKNOWN, never OK; a critical stays critical")
    func withoutInfo() {
        var store = MetricStore()
        for second in [0.0, 1.0] {
            let reading = Reading(
                info: nil, slowlog: nil, pingRTT: .milliseconds(1),
                unavailable: [.info: "INFO unknown to the server (renamed or disabled): ERR unknown command 'INFO'"])
            store.ingest(
                Sample(
                    node: "blind", time: Date(timeIntervalSince1970: Self.start + second), outcome: .reading(reading)))
        }
        let alone = CheckReport(store: store, rules: Self.rules)
        #expect(alone.status == .unknown && alone.status.exitCode == 3)
        #expect(
            alone.summary
                == "blind gives no figures: INFO unknown to the server (renamed or disabled): ERR unknown command 'INFO'"
        )
        var withDown = store
        withDown.ingest(
            Sample(
                node: "gone", time: Date(timeIntervalSince1970: Self.start + 1),
                outcome: .failure(PollFailure(kind: .connection, message: "connection refused"))))
        #expect(CheckReport(store: withDown, rules: Self.rules).status == .critical)
    }
}
