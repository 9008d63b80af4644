import Metrics
import Testing

/// The vocabulary's declarations: what every output derives from must be well-formed.
@Suite("Metric declarations")
struct MetricDeclarationTests {
    @Test("names are unique snake case, and their Prometheus spellings unique and valid")
    func names() {
        let names = Metric.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        let prometheus = Metric.allCases.map(\.declaration.prometheusName)
        #expect(Set(prometheus).count == prometheus.count)
        for metric in Metric.allCases {
            #expect(metric.name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }, "\(metric)")
            #expect(Metric(name: metric.name) == metric)
            let exposed = metric.declaration.prometheusName
            #expect(exposed.hasPrefix("cachewatch_") && !exposed.hasSuffix("_ms") && !exposed.hasSuffix("_per_sec"))
        }
        #expect(Metric(name: "no_such_metric") == nil)
        #expect(Metric.pingP99Ms.declaration.prometheusName == "cachewatch_ping_p99_seconds")
        #expect(Metric.pingP99Ms.declaration.prometheusValue(250) == 0.25)
        #expect(Metric.opsPerSec.declaration.prometheusName == "cachewatch_ops_per_second")
    }

    @Test("each help is one sentence on one line")
    func help() {
        for metric in Metric.allCases {
            #expect(!metric.help.isEmpty && !metric.help.contains("\n") && metric.help.hasSuffix("."), "\(metric)")
        }
    }

    @Test("names agree with units, labels and sources")
    func consistent() {
        for metric in Metric.allCases {
            if metric.name.hasSuffix("_per_sec") {
                #expect([.perSecond, .bytesPerSecond].contains(metric.unit), "\(metric)")
            }
            if metric.name.hasSuffix("_ms") { #expect(metric.unit == .milliseconds, "\(metric)") }
            if let label = metric.label {
                #expect(metric.name.hasPrefix(label.rawValue + "_"), "\(metric) is per \(label)")
            }
            if metric.source == .keyspaceEvents || metric.source == .profile || metric.source == .keyLife {
                #expect(metric.label == .namespace || metric == .eventsDroppedPerSec, "\(metric)")
            }
            if metric.source == .slotStats { #expect(metric.label == .slot, "\(metric)") }
            #expect(metric.comesFromKeyspaceEvents == (metric.source == .keyspaceEvents))
        }
        #expect(Metric.perNode.allSatisfy { $0.label == nil })
        #expect(Metric.perNode.count + Metric.allCases.filter { $0.label != nil }.count == Metric.allCases.count)
    }
}
