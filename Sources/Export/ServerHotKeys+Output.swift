import Foundation
import Metrics
import Telemetry

/// The server's hot keys (``ServerHotKeys``) as `profile --hotkeys`, `watch --hotkeys`, the
/// replay and the snapshot print them: the same fields everywhere, key names escaped or
/// replaced by their stable token when keys are redacted.
extension ServerHotKeys {
    /// The columns of the CSV rows (``csvCells(node:redactingKeys:)``), after `node`.
    public static let csvHeader = [
        "node", "source", "key", "key_hex", "db", "accesses_per_sec", "cpu_percent", "net_bytes_per_sec",
        "window_ms", "tracking",
    ]

    /// One CSV row per key (`key_hex` empty when keys are redacted); a node whose server
    /// tracks nothing gets no row.
    public func csvRows(node: String, redactingKeys: Bool) -> [[CSVTable.Cell]] {
        entries.map { entry in
            [.text(node), .text(source.rawValue)] + KeyRedaction.csvCells(entry.key, redacting: redactingKeys) + [
                .integer(entry.database.map(Int64.init)), .number(entry.accessesPerSecond), .number(entry.cpuPercent),
                .number(entry.networkBytesPerSecond), .integer(windowMilliseconds), .integer(isTracking ? 1 : 0),
            ]
        }
    }

    /// The fields of the JSON object (without braces): source, whether tracking, the window,
    /// samples and settings where known, and the keys.
    public func jsonFields(redactingKeys: Bool, limit: Int? = nil) -> [String] {
        func number(_ value: Double?) -> String { value.map(JSONText.number) ?? "null" }
        func integer(_ value: Int64?) -> String { value.map { String($0) } ?? "null" }
        let keys = entries.prefix(limit ?? entries.count).map { entry in
            "{\"key\":\(JSONText.string(KeyRedaction.shown(entry.key, redacting: redactingKeys))),"
                + "\"db\":\(entry.database.map(String.init) ?? "null"),"
                + "\"accesses_per_sec\":\(number(entry.accessesPerSecond)),"
                + "\"cpu_percent\":\(number(entry.cpuPercent)),\"net_bytes_per_sec\":\(number(entry.networkBytesPerSecond))}"
        }
        let settingsText = settings.map {
            "{\"top_k\":\($0.topK),\"sampling_percentage\":\($0.samplingPercentage),\"window_seconds\":\($0.windowSeconds)}"
        }
        return [
            "\"source\":\(JSONText.string(source.rawValue))", "\"tracking\":\(isTracking)",
            "\"window_ms\":\(integer(windowMilliseconds))", "\"samples\":\(integer(samples))",
            "\"sample_ratio\":\(integer(sampleRatio))", "\"settings\":\(settingsText ?? "null")",
            "\"keys\":[" + keys.joined(separator: ",") + "]",
        ]
    }

    /// The text report: a title with how it was measured, then a table of keys; or why there
    /// is none.
    public func text(node: String, redactingKeys: Bool, limit: Int = 30) -> String {
        var lines = ["Hot keys of \(node) by the server: \(source.title)"]
        if !methodLine.isEmpty { lines.append("  " + methodLine) }
        if let settings, !settings.isEnabled {
            lines.append("  " + ValkeyHotkeySettings.enablingHint)
            return lines.joined(separator: "\n")
        }
        guard !entries.isEmpty else {
            lines.append(
                source == .valkeyWindow
                    ? "  no key was hot in the last window"
                    : "  no HOTKEYS session: cachewatch profile --hotkeys starts one")
            return lines.joined(separator: "\n")
        }
        let columns: [(String, (Entry) -> String)] =
            source == .valkeyWindow
            ? [("accesses/s", { ValueFormatting.count($0.accessesPerSecond) })]
            : [
                ("CPU %", { $0.cpuPercent.map { String(format: "%.2f", $0) } ?? "-" }),
                ("net/s", { ValueFormatting.bytes($0.networkBytesPerSecond) }),
            ]
        let shown = entries.prefix(limit)
        let cells = shown.map { entry in columns.map { $0.1(entry) } }
        let widths = columns.indices.map { index in
            max(columns[index].0.count, cells.map { $0[index].count }.max() ?? 0)
        }
        func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        let showsDatabase = shown.contains { ($0.database ?? 0) != 0 }
        lines.append(
            "  " + columns.indices.map { pad(columns[$0].0, widths[$0]) }.joined(separator: "  ")
                + (showsDatabase ? "  db" : "") + "  key")
        for (entry, row) in zip(shown, cells) {
            lines.append(
                "  " + row.indices.map { pad(row[$0], widths[$0]) }.joined(separator: "  ")
                    + (showsDatabase ? "  " + pad(entry.database.map(String.init) ?? "-", 2) : "") + "  "
                    + KeyRedaction.shown(entry.key, redacting: redactingKeys))
        }
        if entries.count > limit { lines.append("  … \(entries.count - limit) more") }
        return lines.joined(separator: "\n")
    }
}
