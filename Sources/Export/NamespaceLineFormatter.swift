import Foundation
import Metrics

/// `watch --namespaces`: the per-namespace figures of a node's newest tick (key sampling's and
/// keyspace events'), printed after its metric line.
///
/// JSON: one line per node and tick, `{"event":"namespaces","time":…,"ts_ms":…,"node":…,
/// "namespaces":[{"namespace":"session:*","namespace_keys":…,"namespace_evicted_per_sec":…,…}]}`,
/// every per-namespace metric of the vocabulary in each entry (`null` when absent), namespaces
/// by name. logfmt: one `event=namespace` line per namespace. The table format has no room for
/// them.
public enum NamespaceLineFormatter {
    /// The per-namespace metrics, in vocabulary order.
    public static let metrics: [Metric] = Metric.allCases.filter { $0.label == .namespace }

    /// The lines for `node`'s newest tick (none when no namespace has a figure).
    public static func lines(for node: NodeMetrics, format: LineFormat) -> [String] {
        guard let time = node.times.last.map(Date.init(timeIntervalSince1970:)), node.lastFailure == nil else {
            return []
        }
        let instances = metrics.map { ($0, node.instances($0)) }
        let names = Set(instances.flatMap { $0.1?.keys ?? [:].keys }).sorted()
        guard !names.isEmpty else { return [] }
        let stamp = ValueFormatting.iso8601(time)
        switch format {
        case .json:
            let entries = names.map { name in
                var fields = ["\"namespace\":\(JSONText.string(name))"]
                for (metric, values) in instances {
                    fields.append(
                        "\(JSONText.string(metric.rawValue)):\(value(metric, values, name).map(JSONText.number) ?? "null")"
                    )
                }
                return "{" + fields.joined(separator: ",") + "}"
            }
            let head = [
                "\"event\":\"namespaces\"", "\"time\":\(JSONText.string(stamp))",
                "\"ts_ms\":\(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))",
                "\"node\":\(JSONText.string(node.node))",
            ]
            return ["{" + head.joined(separator: ",") + ",\"namespaces\":[" + entries.joined(separator: ",") + "]}"]
        case .logfmt:
            return names.map { name in
                var fields = [
                    "event=namespace", "time=\(stamp)", "node=\(LogfmtText.value(node.node))",
                    "namespace=\(LogfmtText.value(name))",
                ]
                for (metric, values) in instances {
                    fields.append("\(metric.rawValue)=\(value(metric, values, name).map(JSONText.number) ?? "-")")
                }
                return fields.joined(separator: " ")
            }
        case .table:
            return []
        }
    }

    /// A namespace's value of `metric`: absent when the metric is not reported; 0 for an event
    /// rate counted for the node but not for this namespace (no event in the interval).
    private static func value(_ metric: Metric, _ values: [String: Double]?, _ name: String) -> Double? {
        guard let values else { return nil }
        return values[name] ?? (metric.comesFromKeyspaceEvents ? 0 : nil)
    }
}
