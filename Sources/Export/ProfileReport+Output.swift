import Foundation
import Metrics
import Telemetry

extension ProfileReport {
    /// A key as exported: escaped for display, or its stable token when keys are redacted.
    private func shown(_ key: [UInt8], redacting: Bool) -> String {
        KeyRedaction.shown(key, redacting: redacting)
    }

    /// The method line: how misses were counted and what that means for the hit ratios.
    public var methodLine: String {
        switch missSource {
        case .keymissEvents:
            "misses: keymiss events (exact)"
        case .cacheAsideInference:
            "misses: inferred from cache-aside (a read, then a write of the same key by the same client within seconds); "
                + "keymiss events would be exact: notify-keyspace-events with E and m"
        }
    }

    /// The report for a person: a header, the method, one row per namespace (the `limit`
    /// busiest), then each namespace's top keys.
    public func text(redactingKeys: Bool = false, limit: Int = 30) -> String {
        var lines: [String] = []
        lines.append(
            "\(node): profile of \(schedule) (MONITOR on \(String(format: "%.1f", monitoredSeconds)) s), "
                + "\(commands) commands, \(namespaces.count) namespaces")
        lines.append(methodLine)
        if unparsedLines > 0 { lines.append("note: \(unparsedLines) lines were not commands and were skipped") }
        if burstsCutShort > 0 {
            lines.append(
                "note: MONITOR was closed early \(burstsCutShort) time(s): the stream fell over 1 s behind the server, "
                    + "whose buffer for it would have grown; rates are over the time it was on")
        }
        if forgottenReads > 0 {
            lines.append("note: \(forgottenReads) reads were forgotten before their refill window ended (memory cap)")
        }
        lines.append("")
        let widths = [9, 9, 9, 6]
        lines.append(
            row(["reads/s", "writes/s", "dels/s", "hit%", "namespace", "top commands"], widths: widths + [28]))
        for traffic in namespaces.prefix(limit) {
            let commands = traffic.topCommands.map { "\($0.name) \(ValueFormatting.count(perSecond($0.count)))/s" }
            lines.append(
                row(
                    [
                        ValueFormatting.count(perSecond(traffic.reads)),
                        ValueFormatting.count(perSecond(traffic.writes)),
                        ValueFormatting.count(perSecond(traffic.deletes)),
                        traffic.hitRatio.map(ValueFormatting.percent) ?? "-", traffic.namespace,
                        commands.joined(separator: ", "),
                    ], widths: widths + [28]))
        }
        if namespaces.count > limit {
            lines.append("… \(namespaces.count - limit) more namespaces (--format json or --csv)")
        }
        let withKeys = namespaces.prefix(min(limit, 10)).filter { !$0.topKeys.isEmpty }
        if !withKeys.isEmpty {
            lines.append("")
            lines.append("Top keys (accesses while MONITOR was on)")
            for traffic in withKeys {
                let keys = traffic.topKeys.prefix(3).map { "\(shown($0.key, redacting: redactingKeys)) \($0.count)" }
                lines.append("  \(traffic.namespace): \(keys.joined(separator: ", "))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object.
    public func json(redactingKeys: Bool = false) -> String {
        let rows = namespaces.map { traffic -> String in
            let commands = traffic.topCommands.map { "{\"command\":\(JSONText.string($0.name)),\"count\":\($0.count)}" }
            let keys = traffic.topKeys.map {
                "{\"key\":\(JSONText.string(shown($0.key, redacting: redactingKeys))),\"count\":\($0.count)}"
            }
            return "{\"namespace\":\(JSONText.string(traffic.namespace)),\"reads\":\(traffic.reads),"
                + "\"writes\":\(traffic.writes),\"deletes\":\(traffic.deletes),\"misses\":\(traffic.misses),"
                + "\"reads_per_sec\":\(JSONText.number(perSecond(traffic.reads))),"
                + "\"writes_per_sec\":\(JSONText.number(perSecond(traffic.writes))),"
                + "\"deletes_per_sec\":\(JSONText.number(perSecond(traffic.deletes))),"
                + "\"hit_ratio\":\(traffic.hitRatio.map(JSONText.number) ?? "null"),"
                + "\"top_commands\":[\(commands.joined(separator: ","))],\"top_keys\":[\(keys.joined(separator: ","))]}"
        }
        return "{\"node\":\(JSONText.string(node)),\"started\":\(JSONText.string(ValueFormatting.iso8601(startedAt))),"
            + "\"schedule\":\(JSONText.string(schedule.description)),"
            + "\"monitored_seconds\":\(JSONText.number(monitoredSeconds)),"
            + "\"miss_source\":\(JSONText.string(missSource.rawValue)),\"commands\":\(commands),"
            + "\"unparsed_lines\":\(unparsedLines),\"forgotten_reads\":\(forgottenReads),"
            + "\"bursts_cut_short\":\(burstsCutShort),"
            + "\"namespaces\":[\(rows.joined(separator: ","))]}"
    }

    /// The columns of ``csv(options:)``.
    public static let csvHeader = [
        "node", "started", "monitored_seconds", "miss_source", "namespace", "reads_per_sec", "writes_per_sec",
        "deletes_per_sec", "hit_ratio", "reads", "writes", "deletes", "misses", "top_commands", "top_keys",
    ]

    /// One CSV row per namespace.
    public func csv(options: ExportOptions = ExportOptions()) throws -> String {
        var table = CSVTable(header: Self.csvHeader, neutralizesFormulas: options.neutralizesFormulas)
        for traffic in namespaces {
            table.append([
                .text(node), .text(ValueFormatting.iso8601(startedAt)), .number(monitoredSeconds),
                .text(missSource.rawValue), .text(traffic.namespace), .number(perSecond(traffic.reads)),
                .number(perSecond(traffic.writes)), .number(perSecond(traffic.deletes)), .number(traffic.hitRatio),
                .integer(Int64(traffic.reads)), .integer(Int64(traffic.writes)), .integer(Int64(traffic.deletes)),
                .integer(Int64(traffic.misses)),
                .text(traffic.topCommands.map { "\($0.name) \($0.count)" }.joined(separator: "; ")),
                .text(
                    traffic.topKeys.map { "\(shown($0.key, redacting: options.redactsKeys)) \($0.count)" }.joined(
                        separator: "; ")),
            ])
        }
        return try table.text()
    }

    private func row(_ cells: [String], widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index < 4 {
                line += String(repeating: " ", count: max(0, widths[index] - cell.count)) + cell + " "
            } else if index < widths.count {
                line += " " + cell + String(repeating: " ", count: max(1, widths[index] - cell.count))
            } else {
                line += cell
            }
        }
        return line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
}
