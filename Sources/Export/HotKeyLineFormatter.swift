import Foundation
import Metrics
import Telemetry

/// `watch --hotkeys`: the hot keys a node's server measured (`HOTKEYS`: Valkey 9.2+ each poll
/// while tracking is on, Redis 8.6+ a session's result), printed after its metric line when the
/// poll read them.
///
/// JSON: one line per node and reading, `{"event":"hotkeys","time":…,"ts_ms":…,"node":…,
/// "source":"valkey-hotkeys","tracking":true,"window_ms":1022,"samples":211833,
/// "sample_ratio":null,"settings":{"top_k":16,…},"keys":[{"key":"product:8fd21a","db":0,
/// "accesses_per_sec":48200,"cpu_percent":null,"net_bytes_per_sec":null}]}` — a figure the
/// dialect does not measure is `null`. logfmt: one `event=hotkey` line per key. The table format
/// has no room for them.
public enum HotKeyLineFormatter {
    /// The lines for `node`'s newest reading (none when it read no hot keys).
    public static func lines(for node: NodeMetrics, format: LineFormat) -> [String] {
        guard let time = node.times.last.map(Date.init(timeIntervalSince1970:)), node.lastFailure == nil,
            let hotKeys = node.lastReading?.serverHotKeys
        else { return [] }
        let stamp = ValueFormatting.iso8601(time)
        switch format {
        case .json:
            let head = [
                "\"event\":\"hotkeys\"", "\"time\":\(JSONText.string(stamp))",
                "\"ts_ms\":\(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))",
                "\"node\":\(JSONText.string(node.node))",
            ]
            return ["{" + (head + hotKeys.jsonFields(redactingKeys: false)).joined(separator: ",") + "}"]
        case .logfmt:
            func number(_ value: Double?) -> String { value.map(JSONText.number) ?? "-" }
            return hotKeys.entries.map { entry in
                [
                    "event=hotkey", "time=\(stamp)", "node=\(LogfmtText.value(node.node))",
                    "source=\(hotKeys.source.rawValue)", "key=\(LogfmtText.value(KeyName.escaped(entry.key)))",
                    "db=\(entry.database.map(String.init) ?? "-")",
                    "accesses_per_sec=\(number(entry.accessesPerSecond))", "cpu_percent=\(number(entry.cpuPercent))",
                    "net_bytes_per_sec=\(number(entry.networkBytesPerSecond))",
                ].joined(separator: " ")
            }
        case .table:
            return []
        }
    }
}
