import Export
import Foundation
import Metrics

/// `cachewatch report DIR --out FILE.md`: the HTML report's figures as Markdown, to paste into a
/// post-mortem document or a ticket — tables, and each graph as a line of bars (▁…█) per node
/// with its minimum, mean and maximum.
public enum MarkdownReport {
    /// Bars per series line.
    static let barCount = 48

    /// The document.
    public static func render(_ data: ReportData, redactsKeys: Bool = false, toolVersion: String) -> String {
        var text = "# cachewatch report\n\n"
        text += "\(cell(data.endpoints)) · \(ReportFigures.time(data.from)) – \(ReportFigures.time(data.to))"
        text +=
            " (\(ReportFigures.duration(data.to - data.from))) · \(data.nodes.count) node(s), \(data.ticks) polls\n\n"
        text += "## Alerts and incidents\n\n"
        if data.alerts.isEmpty {
            text += "No alert fired in this window.\n\n"
        } else {
            text +=
                "| alert | severity | node | fired | resolved | lasted | summary |\n|---|---|---|---|---|---:|---|\n"
            for (span, isSymptom) in HTMLReport.ordered(data.alerts) {
                let cause = span.alert.cause.map { " (symptom of \($0))" } ?? ""
                text +=
                    "| \(isSymptom ? "└ " : "")\(cell(span.alert.name)) | \(span.alert.severity.rawValue) | "
                    + "\(cell(span.alert.labels["node"] ?? "")) | \(ReportFigures.time(span.start)) | "
                    + "\(span.end.map(ReportFigures.time) ?? "still firing") | "
                    + "\(ReportFigures.duration((span.end ?? data.to) - span.start)) | \(cell(span.alert.summary + cause)) |\n"
            }
            text += "\n"
        }
        text += "## Graphs\n\n"
        for metric in ReportData.charted {
            guard let series = data.series[metric], !series.isEmpty else { continue }
            text +=
                "**\(ReportFigures.title(metric))**\n\n| node | min | mean | max | over the window |\n|---|---:|---:|---:|---|\n"
            for node in data.nodes {
                guard let points = series[node], let figures = ReportFigures.summary(points) else { continue }
                text +=
                    "| \(cell(node)) | \(ReportFigures.value(figures.min, metric)) | "
                    + "\(ReportFigures.value(figures.mean, metric)) | \(ReportFigures.value(figures.max, metric)) | "
                    + "`\(bars(points, from: data.from, to: data.to, low: metric == .hitRatio ? 0 : nil))` |\n"
            }
            text += "\n"
        }
        text += "## Namespaces that mattered\n\n"
        if data.namespaces.isEmpty {
            text += "No namespace evicted, missed or risked staleness (or none was sampled).\n\n"
        } else {
            text += "| namespace | node | evicted | misses | expired | staleness bound | invalidated |\n"
            text += "|---|---|---:|---:|---:|---:|---:|\n"
            for item in data.namespaces {
                let name = redactsKeys ? KeyRedaction.namespace(item.namespace) : item.namespace
                text +=
                    "| `\(cell(name))` | \(cell(item.node)) | \(ValueFormatting.count(item.evicted)) | "
                    + "\(ValueFormatting.count(item.misses)) | \(ValueFormatting.count(item.expired)) | "
                    + "\(item.stalenessBound.map { ReportFigures.duration($0) } ?? "-") | "
                    + "\(item.invalidatedShare.map { ValueFormatting.percent($0) + "%" } ?? "-") |\n"
            }
            text += "\n"
        }
        text += "## Slowest commands\n\n"
        if data.slowest.isEmpty {
            text += "No slow-log entry in this window.\n\n"
        } else {
            text += "| when | node | ms | command (name and key) | client |\n|---|---|---:|---|---|\n"
            for item in data.slowest {
                text +=
                    "| \(ReportFigures.time(item.entry.timestamp.timeIntervalSince1970)) | \(cell(item.node)) | "
                    + "\(ValueFormatting.milliseconds(item.entry.duration.secondsDouble * 1000)) | "
                    + "`\(cell(ReportFigures.command(item.entry.arguments, redactsKeys: redactsKeys)))` | "
                    + "\(cell(item.entry.clientName ?? item.entry.clientAddress ?? "")) |\n"
            }
            text += "\n"
        }
        text += "## Topology and connections\n\n"
        if data.notices.isEmpty {
            text += "Nothing changed.\n\n"
        } else {
            for notice in data.notices.prefix(200) {
                text += "- \(ReportFigures.time(notice.time.timeIntervalSince1970)): \(cell(notice.text))\n"
            }
            text += "\n"
        }
        text += "_Made by cachewatch \(toolVersion) from a recording; times in UTC._\n"
        return text
    }

    /// The series as ``barCount`` bars over the window (each the stretch's worst value; a
    /// space where nothing was polled).
    static func bars(_ points: [(time: Double, value: Double)], from: Double, to: Double, low: Double?) -> String {
        let levels = Array("▁▂▃▄▅▆▇█")
        let lowest = low ?? 0
        let highest = max(points.map(\.value).max() ?? 1, lowest + 1e-9)
        var buckets = [Double?](repeating: nil, count: barCount)
        let span = max(to - from, 1)
        for point in points {
            let index = min(barCount - 1, max(0, Int((point.time - from) / span * Double(barCount))))
            buckets[index] = max(buckets[index] ?? -.infinity, point.value)
        }
        return String(
            buckets.map { value -> Character in
                guard let value else { return " " }
                let share = (value - lowest) / (highest - lowest)
                return levels[min(levels.count - 1, max(0, Int(share * Double(levels.count - 1) + 0.5)))]
            })
    }

    /// Text safe in a table cell: pipes escaped, one line.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "`", with: "'")
    }
}
