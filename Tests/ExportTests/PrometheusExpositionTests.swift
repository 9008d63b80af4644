import Alerts
import Export
import Foundation
import Metrics
import Telemetry
import Testing
import Workload

@Suite("Prometheus exposition")
struct PrometheusExpositionTests {
    /// Two polls of a node (so rates exist), `namespaces` distinct namespaces, one firing alert.
    static func exposition(
        namespaces: Int = 3, limit: Int = PrometheusExposition.defaultNamespaceLimit
    )
        -> PrometheusExposition
    {
        var store = MetricStore()
        for (second, hits, misses) in [(0, 1000, 100), (1, 1900, 200)] {
            let info = InfoSnapshot(sections: [
                "server": ["redis_version": "7.0.15", "run_id": "r1", "uptime_in_seconds": "100"],
                "stats": [
                    "keyspace_hits": String(hits), "keyspace_misses": String(misses),
                    "total_commands_processed": "5000",
                    "evicted_keys": "7", "expired_keys": "9", "total_net_input_bytes": "1000",
                    "total_net_output_bytes": "2000", "total_connections_received": "3", "rejected_connections": "0",
                ],
                "cpu": ["used_cpu_sys": "1.5", "used_cpu_user": "2.25"],
                "memory": ["used_memory": "1048576", "maxmemory": "0", "maxmemory_policy": "allkeys-lru"],
                "keyspace": ["db0": "keys=120,expires=20,avg_ttl=0", "db3": "keys=5,expires=0,avg_ttl=0"],
            ])
            let reading = Reading(info: info, slowlog: SlowlogDelta(entries: []), pingRTT: .microseconds(250))
            store.ingest(
                Sample(
                    node: "10.0.0.1:6379", time: Date(timeIntervalSince1970: 1_800_000_000 + Double(second)),
                    outcome: .reading(reading)))
        }
        let names = (0..<namespaces).map { "tenant\($0):*" } + ["odd\"name\\with\nbreak:*"]
        store.setInstances(
            node: "10.0.0.1:6379", .namespaceKeys,
            Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Double(1000 - $0 % 1000)) }))
        store.setInstances(node: "10.0.0.1:6379", .namespaceEvictedPerSec, ["tenant0:*": 4.5, "tenant1:*": 0])
        store.ingest(
            Sample(
                node: "10.0.0.2:6379", time: Date(timeIntervalSince1970: 1_800_000_001),
                outcome: .failure(PollFailure(kind: .connection, message: "refused"))))
        let rules = try! RuleFile.parse(
            "rules:\n  - name: EvictionStorm\n    metric: namespace_evicted_per_sec\n    above: 1\n    severity: critical\n",
            source: "test")
        var engine = RuleEngine(rules: rules)
        _ = engine.eval(now: Date(timeIntervalSince1970: 1_800_000_001), store: store)
        let alerts = engine.firing + engine.pending
        return PrometheusExposition(
            nodes: store.nodeNames.compactMap { store[$0] }, alerts: alerts, namespaceLimit: limit)
    }

    @Test("gauges with node and namespace labels, counters with _total, db figures, alerts like ALERTS")
    func text() {
        let text = Self.exposition().render(.prometheusText)
        #expect(text.contains("# TYPE cachewatch_hit_ratio gauge\n"))
        #expect(text.contains("cachewatch_hit_ratio{node=\"10.0.0.1:6379\"} 0.9\n"), "\(text.prefix(2000))")
        #expect(text.contains("cachewatch_up{node=\"10.0.0.1:6379\"} 1\n"))
        #expect(text.contains("cachewatch_up{node=\"10.0.0.2:6379\"} 0\n"))
        #expect(text.contains("# TYPE cachewatch_server_keyspace_hits_total counter\n"))
        #expect(
            text.contains("cachewatch_ping_p99_seconds{node=\"10.0.0.1:6379\"} 0.00025\n"), "milliseconds in seconds")
        #expect(text.contains("cachewatch_hits_per_second{node=\"10.0.0.1:6379\"} 900\n"))
        #expect(text.contains("cachewatch_server_keyspace_hits_total{node=\"10.0.0.1:6379\"} 1900\n"))
        #expect(text.contains("cachewatch_server_cpu_user_seconds_total{node=\"10.0.0.1:6379\"} 2.25\n"))
        #expect(
            !text.contains("cachewatch_server_keyspace_hits_total{node=\"10.0.0.2:6379\"}"),
            "a node down has no counters")
        #expect(text.contains("cachewatch_db_keys{node=\"10.0.0.1:6379\",db=\"3\"} 5\n"))
        #expect(
            text.contains(
                "cachewatch_namespace_evicted_per_second{node=\"10.0.0.1:6379\",namespace=\"tenant0:*\"} 4.5\n"))
        #expect(text.contains("namespace=\"odd\\\"name\\\\with\\nbreak:*\""), "label values escaped")
        // Within a family: each node's instances in name order, each with its value.
        let keyLines = text.split(separator: "\n").filter { $0.hasPrefix("cachewatch_namespace_keys{") }
        #expect(
            keyLines.map { $0.split(separator: "namespace=").last.map(String.init) }
                == [
                    "\"odd\\\"name\\\\with\\nbreak:*\"} 997", "\"tenant0:*\"} 1000", "\"tenant1:*\"} 999",
                    "\"tenant2:*\"} 998",
                ],
            "\(keyLines)")
        #expect(
            text.contains(
                "cachewatch_alerts{alertname=\"EvictionStorm\",severity=\"critical\",state=\"firing\",namespace=\"tenant0:*\",node=\"10.0.0.1:6379\"} 1\n"
            ))
        #expect(!text.contains("# EOF"))
        let open = Self.exposition().render(.openMetrics)
        #expect(open.hasSuffix("# EOF\n"))
        #expect(open.contains("# TYPE cachewatch_server_keyspace_hits counter\n"))
        #expect(open.contains("cachewatch_server_keyspace_hits_total{node=\"10.0.0.1:6379\"} 1900\n"))
    }

    @Test("every value reads back as the same Double: fractions, tiny, huge, negative, integers")
    func valuesRoundTrip() throws {
        var random = SplitMix64(seed: 42)
        var values: [String: Double] = [:]
        for index in 0..<500 {
            let bits = random.next()
            let value: Double =
                switch index % 5 {
                case 0: Double(bits % 1_000_000) / Double(bits % 997 + 1)  // a ratio such as a hit ratio
                case 1: Double(bitPattern: bits & 0x7FEF_FFFF_FFFF_FFFF)  // any finite positive double
                case 2: -Double(bits % 10_000) / 3
                case 3: Double(bits % 1_000_000)  // an integer
                default: Double(bits % 1000) * 1e-9  // tiny
                }
            values["ns\(index):*"] = value
        }
        var store = MetricStore()
        store.ingest(
            Sample(
                node: "n:1", time: Date(timeIntervalSince1970: 1_800_000_000),
                outcome: .failure(PollFailure(kind: .connection, message: "refused"))))
        store.setInstances(node: "n:1", .namespaceKeys, values)
        let text = PrometheusExposition(nodes: [try #require(store["n:1"])], alerts: [], namespaceLimit: 1000)
            .render(.prometheusText)
        var seen = 0
        for line in text.split(separator: "\n") where line.hasPrefix("cachewatch_namespace_keys{") {
            let parts = line.split(separator: " ")
            let name = try #require(parts[0].split(separator: "namespace=\"").last?.dropLast(2))
            let expected = try #require(values[String(name)])
            #expect(Double(String(parts[1])) == expected, "\(line) for \(expected)")
            if expected != expected.rounded() { #expect(String(parts[1]) == String(expected)) }
            seen += 1
        }
        #expect(seen == values.count)
    }

    @Test("metrics with different namespaces: each sample once, in name order, with its own value")
    func differingInstances() throws {
        var store = MetricStore()
        store.ingest(
            Sample(
                node: "n:1", time: Date(timeIntervalSince1970: 1_800_000_000),
                outcome: .failure(PollFailure(kind: .connection, message: "refused"))))
        // Overlapping, disjoint and nested sets: whichever metric the build starts from, the
        // others have names it lacks.
        let sets: [Metric: [String: Double]] = [
            .namespaceKeys: ["b:*": 20, "d:*": 40, "a:*": 10],
            .namespaceEvictedPerSec: ["e:*": 5.5, "a:*": 1.5],
            .namespaceMissesPerSec: ["c:*": 3, "b:*": 2, "f:*": 6, "d:*": 4],
            .namespaceBigKeys: ["z:*": 26],
        ]
        for (metric, values) in sets { store.setInstances(node: "n:1", metric, values) }
        for limit in [1000, 3] {
            let text = PrometheusExposition(nodes: [try #require(store["n:1"])], alerts: [], namespaceLimit: limit)
                .render(.prometheusText)
            // With a cap of 3 the namespaces with the most keys stay (d, b, a); the others go.
            let kept: Set<String> = limit == 3 ? ["a:*", "b:*", "d:*"] : Set(sets.values.flatMap(\.keys))
            for (metric, values) in sets {
                let family = PrometheusName.of(metric)
                let lines = text.split(separator: "\n").filter { $0.hasPrefix(family + "{") }
                let expected = values.keys.filter(kept.contains).sorted().map {
                    let value = values[$0]!
                    return "\(family){node=\"n:1\",namespace=\"\($0)\"} "
                        + (value == value.rounded() ? String(Int(value)) : String(value))
                }
                #expect(lines.map(String.init) == expected, "\(metric), limit \(limit)")
            }
            #expect(text.contains("cachewatch_namespaces_dropped{node=\"n:1\"} \(limit == 3 ? 4 : 0)\n"))
        }
    }

    @Test("10,000 namespaces: the cap's biggest kept, the rest counted")
    func cardinality() {
        let text = Self.exposition(namespaces: 10_000, limit: 200).render(.prometheusText)
        let series = text.split(separator: "\n").filter { $0.hasPrefix("cachewatch_namespace_keys{") }
        #expect(series.count == 200)
        #expect(text.contains("cachewatch_namespaces_dropped{node=\"10.0.0.1:6379\"} 9801\n"))
        #expect(text.contains("namespace=\"tenant0:*\"} 1000\n"), "the biggest is kept")
    }

    @Test("the Accept header picks the format")
    func negotiation() {
        #expect(ExpositionFormat(accept: nil) == .prometheusText)
        #expect(ExpositionFormat(accept: "text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == .prometheusText)
        #expect(
            ExpositionFormat(
                accept:
                    "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"
            ) == .openMetrics)
        #expect(ExpositionFormat(accept: "application/openmetrics-text;q=0") == .prometheusText)
    }

    /// (promtool reads the classic format only; Prometheus's own scrapes check OpenMetrics.)
    @Test("promtool check metrics passes: names, units, help, types")
    func promtool() async throws {
        let format = ExpositionFormat.prometheusText
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cw-expo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.exposition(namespaces: 50).render(format).write(toFile: path, atomically: true, encoding: .utf8)
        let check = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "promtool check metrics < '\(path)'"])
        let code = try await check.waitForExit(timeout: .seconds(30))
        #expect(code == 0, "\(check.standardOutput) \(check.standardError)")
    }

    @Test("the Grafana dashboard in dashboards/ queries only names the exposition has")
    func grafanaNames() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("dashboards/grafana-cachewatch.json")
        let text = try String(contentsOf: path, encoding: .utf8)
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
        var known = Set(Metric.allCases.map(PrometheusName.of))
        known.formUnion(ServerCounter.allCases.map { $0.familyName + "_total" })
        known.formUnion([
            "cachewatch_alerts", "cachewatch_namespaces_dropped", "cachewatch_db_keys",
            "cachewatch_db_keys_with_expiry",
        ])
        let used = Set(text.matches(of: /cachewatch_[a-z0-9_]+/).map { String($0.output) })
        #expect(used.count >= 10, "\(used)")
        #expect(used.subtracting(known).isEmpty, "unknown names: \(used.subtracting(known))")
    }
}
