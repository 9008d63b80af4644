import Alerts
import Metrics
import Testing

@Suite("Rules file")
struct RuleFileTests {
    @Test("the defaults parse and hold the documented rules")
    func defaults() throws {
        let rules = try RuleFile.parse(DefaultRules.yaml, source: "defaults")
        #expect(rules.count == DefaultRules.rules.count)
        #expect(Set(rules.map(\.name)).isSuperset(of: ["LowHitRatio", "EvictionsActive", "MemoryNearMax", "Down"]))
        let low = try #require(rules.first { $0.name == "LowHitRatio" })
        #expect(
            low.condition
                == AlertCondition(metric: .metric(.hitRatio), .below, 0.8, reduction: .average, windowSeconds: 60))
        #expect(low.forSeconds == 120 && low.keepFiringForSeconds == 60 && low.severity == .warning)
        #expect(low.requires == [AlertCondition(metric: .metric(.hitsPerSec), .above, 10)])
        let critical = try #require(rules.first { $0.name == "CriticalKeysEvictable" })
        #expect(critical.condition.label == .namespace && critical.namespaces.contains("*session*"))
    }

    @Test(
        "mistakes are one line with file, line and column",
        arguments: [
            ("rules:\n  - name: A\n    metric: hit_ratio\n    blow: 1\n", "my.yaml:4:5: unknown key 'blow'"),
            (
                "rules:\n  - name: A\n    metric: hit_rate\n    below: 1\n",
                "my.yaml:3:13: unknown metric 'hit_rate' in 'A'"
            ),
            ("rules:\n  - name: A\n    metric: up\n", "my.yaml:2:5: 'A' needs exactly one of 'above' and 'below'"),
            ("rules:\n  - name: A\n    metric: up\n    below: x\n", "my.yaml:4:12: the threshold must be a number"),
            (
                "rules:\n  - name: A\n    metric: up\n    below: 1\n    for: soon\n",
                "my.yaml:5:10: 'soon' is not a duration"
            ),
            (
                "rules:\n  - name: A\n    metric: up\n    below: 1\n    severity: panic\n",
                "my.yaml:5:15: severity must be"
            ),
            (
                "rules:\n  - name: A\n    metric: up\n    below: 1\n  - name: A\n    metric: up\n    below: 1\n",
                "my.yaml:5:5: duplicate rule name 'A'"
            ),
            ("rules: [\n", "my.yaml:2:1: "),
            ("alerts: []\n", "my.yaml:1:1: unknown key 'alerts'"),
            (
                "rules:\n  - name: A\n    metric: namespace_keys\n    above: 1\n    over: 1m\n",
                "my.yaml:5:11: 'namespace_keys' is per namespace and holds its newest value only"
            ),
            (
                "rules:\n  - name: A\n    metric: keys\n    above: 1\n    namespaces: [\"*\"]\n",
                "my.yaml:5:17: 'namespaces' filters per-namespace metrics"
            ),
            (
                "rules:\n  - name: A\n    metric: namespace_keys\n    above: 1\n    namespaces: lock\n",
                "my.yaml:5:17: 'namespaces' must be a list"
            ),
            (
                "rules:\n  - name: A\n    metric: keys\n    above: 1\n    requires:\n      - metric: namespace_keys\n        above: 1\n",
                "my.yaml:2:5: 'namespace_keys' is per namespace: a requirement of 'A'"
            ),
            (
                "rules:\n  - name: A\n    metric: up\n    below: 1\n    labels: {namespace: x}\n",
                "my.yaml:5:14: 'namespace' is set by cachewatch itself"
            ),
        ])
    func errors(yaml: String, expected: String) {
        let error = #expect(throws: RuleFileError.self) { try RuleFile.parse(yaml, source: "my.yaml") }
        let text = error?.description ?? ""
        #expect(text.hasPrefix(expected), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test(
        "critical_namespaces: one list for the rules that say 'namespaces: critical' and for {{evictable_critical}}; the defaults use it"
    )
    func criticalNamespaces() throws {
        let rules = try RuleFile.parse(
            """
            rules:
              - name: CartsEvicted
                metric: namespace_evicted_per_sec
                above: 0
                namespaces: critical
            critical_namespaces: ["*cart*", "*checkout*"]
            """, source: "my.yaml")
        #expect(rules[0].namespaces == ["*cart*", "*checkout*"])
        #expect(rules[0].criticalNamespaces == ["*cart*", "*checkout*"])
        // Without the list: the built-in one.
        let plain = try RuleFile.parse("rules:\n  - name: A\n    metric: up\n    below: 1\n")
        #expect(plain[0].criticalNamespaces == AlertRule.defaultCriticalNamespaces)
        for name in ["CriticalKeysEvictable", "CriticalKeysEvicted"] {
            #expect(DefaultRules.rules.first { $0.name == name }?.namespaces == AlertRule.defaultCriticalNamespaces)
        }
        let error = #expect(throws: RuleFileError.self) {
            try RuleFile.parse("critical_namespaces: lock\nrules: []\n", source: "my.yaml")
        }
        #expect(
            error?.description.hasPrefix("my.yaml:1:22: 'critical_namespaces' must be a list") == true,
            "\(String(describing: error))")
    }

    @Test("durations and per-database metrics")
    func durations() throws {
        let rules = try RuleFile.parse(
            """
            rules:
              - name: Keys
                metric: db3_keys_with_expiry
                above: 5
                over: 90
                reduce: rate
                for: 1h
                keep_firing_for: 1.5m
            """)
        #expect(rules[0].condition.windowSeconds == 90 && rules[0].condition.reduction == .rate)
        #expect(rules[0].forSeconds == 3600 && rules[0].keepFiringForSeconds == 90)
        #expect(
            SeriesKey(name: "db12_keys") == .database(12, .keys) && SeriesKey(name: "dbx_keys") == nil
                && SeriesKey(name: "db1_values") == nil)
    }
}

@Suite("Rule history")
struct RuleHorizonTests {
    @Test("the history the built-in rules read is their longest window, requirements included")
    func horizon() throws {
        #expect(DefaultRules.rules.horizonSeconds == 900)  // NoTTLGrowth: over 15m
        let rules = try RuleFile.parse(
            """
            rules:
              - name: A
                metric: ops_per_sec
                above: 1
                requires:
                  - metric: hit_ratio
                    below: 0.5
                    over: 20m
                    reduce: average
            """)
        #expect(rules.horizonSeconds == 1200)
        #expect([AlertRule]().horizonSeconds == 0)
    }
}
