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
        let names = Set(metrics.flatMap { node.instances($0)?.keys ?? [:].keys }).sorted()
        guard !names.isEmpty else { return [] }
        let stamp = ValueFormatting.iso8601(time)
        switch format {
        case .json:
            let entries = names.map { name in
                var fields = ["\"namespace\":\(JSONText.string(name))"]
                for metric in metrics {
                    let value = node.value(metric, instance: name)
                    fields.append("\(JSONText.string(metric.name)):\(value.map(JSONText.number) ?? "null")")
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
                for metric in metrics {
                    fields.append(
                        "\(metric.name)=\(node.value(metric, instance: name).map(JSONText.number) ?? "-")")
                }
                return fields.joined(separator: " ")
            }
        case .table:
            return []
        }
    }
}
