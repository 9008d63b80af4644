import Foundation
import Metrics
import Telemetry

/// `watch --slots`: a cluster node's hottest hash slots after its newest tick (Redis 8.2+,
/// Valkey 8.0+: `CLUSTER SLOT-STATS`), printed after its metric line.
///
/// JSON: one line per node and tick, `{"event":"slots","time":…,"ts_ms":…,"node":…,
/// "slots_owned":…,"complete":…,"keeps_traffic":…,"cpu_percent":…,"slots":[{"slot":12182,
/// "slot_cpu_percent":…,"slot_cpu_share":…,"slot_net_bytes_per_sec":…,"slot_keys":…,
/// "namespaces":[{"namespace":"price:*","keys":58}]}]}` — slots first by CPU, then by network,
/// then by keys; a figure the server does not keep is `null`, as are namespaces not looked up.
/// logfmt: one `event=slot` line per slot, namespaces as `price:*=58,user:*=3`. The table format
/// has no room for them.
public enum SlotLineFormatter {
    /// The per-slot metrics, in vocabulary order.
    public static let metrics: [Metric] = Metric.allCases.filter { $0.label == .slot }

    /// The lines for `node`'s newest tick (none without slot stats).
    public static func lines(for node: NodeMetrics, format: LineFormat) -> [String] {
        guard let time = node.times.last.map(Date.init(timeIntervalSince1970:)), node.lastFailure == nil,
            let ranking = node.hotSlots
        else { return [] }
        let stamp = ValueFormatting.iso8601(time)
        func value(_ metric: Metric, _ slot: Int) -> Double? { node.value(metric, instance: String(slot)) }
        switch format {
        case .json:
            let entries = ranking.slots.map { slot in
                var fields = ["\"slot\":\(slot.slot)"]
                for metric in metrics {
                    fields.append(
                        "\(JSONText.string(metric.name)):\(value(metric, slot.slot).map(JSONText.number) ?? "null")"
                    )
                }
                let namespaces = node.namespaces(inSlot: slot.slot).map { list in
                    "["
                        + list.map { "{\"namespace\":\(JSONText.string($0.namespace)),\"keys\":\($0.keys)}" }
                        .joined(separator: ",") + "]"
                }
                fields.append("\"namespaces\":\(namespaces ?? "null")")
                return "{" + fields.joined(separator: ",") + "}"
            }
            let head = [
                "\"event\":\"slots\"", "\"time\":\(JSONText.string(stamp))",
                "\"ts_ms\":\(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))",
                "\"node\":\(JSONText.string(node.node))", "\"slots_owned\":\(ranking.ownedSlots)",
                "\"complete\":\(ranking.isComplete)", "\"keeps_traffic\":\(ranking.keepsTraffic)",
                "\"cpu_percent\":\(ranking.cpuMicrosecondsPerSecond.map { JSONText.number($0 / 10_000) } ?? "null")",
            ]
            return ["{" + head.joined(separator: ",") + ",\"slots\":[" + entries.joined(separator: ",") + "]}"]
        case .logfmt:
            return ranking.slots.map { slot in
                var fields = [
                    "event=slot", "time=\(stamp)", "node=\(LogfmtText.value(node.node))", "slot=\(slot.slot)",
                ]
                for metric in metrics {
                    fields.append("\(metric.name)=\(value(metric, slot.slot).map(JSONText.number) ?? "-")")
                }
                let namespaces = node.namespaces(inSlot: slot.slot).map { list in
                    list.map { "\($0.namespace)=\($0.keys)" }.joined(separator: ",")
                }
                fields.append("namespaces=\(namespaces.map(LogfmtText.value) ?? "-")")
                return fields.joined(separator: " ")
            }
        case .table:
            return []
        }
    }
}
