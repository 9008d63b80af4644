import Alerts
import Export
import Foundation
import Metrics

/// `cachewatch report DIR --out FILE.html`: one self-contained page for a post-mortem — no
/// script, no font, no image or style sheet to fetch: its style is inline, its graphs inline
/// SVG. The timeline of alerts (incidents first, their symptoms beneath), the graphs with the
/// alerts' spans shaded, each node's figures, the namespaces that mattered, the slowest
/// commands, the notices. Readable printed (black on white, no page broken inside a graph).
public enum HTMLReport {
    private static let palette = [
        "#1f5fa8", "#c0392b", "#2e8b57", "#7d3c98", "#d35400", "#138d90", "#7f6000", "#b03a7a",
    ]

    /// The page.
    public static func render(_ data: ReportData, redactsKeys: Bool = false, toolVersion: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>cachewatch report — \(escape(data.endpoints))</title>
            <style>\(style)</style></head><body>
            <h1>cachewatch report</h1>
            <p class="lead">\(escape(data.endpoints)) · \(ReportFigures.time(data.from)) – \(ReportFigures.time(data.to)) \
            (\(ReportFigures.duration(data.to - data.from))) · \(data.nodes.count) node\(data.nodes.count == 1 ? "" : "s"), \
            \(data.ticks) polls</p>

            """
        html += summary(data)
        html += timeline(data)
        html += "<h2>Graphs</h2>\n"
        for metric in ReportData.charted {
            guard let series = data.series[metric], !series.isEmpty else { continue }
            html += "<figure><figcaption>\(escape(ReportFigures.title(metric)))</figcaption>\n"
            html += chart(data, metric: metric, series: series)
            html += "</figure>\n"
        }
        html += legend(data)
        html += nodeTable(data)
        html += namespaceTable(data, redactsKeys: redactsKeys)
        html += slowTable(data, redactsKeys: redactsKeys)
        html += noticeList(data)
        html += "<footer>Made by cachewatch \(escape(toolVersion)) from a recording; times in UTC.</footer>\n"
        html += "</body></html>\n"
        return html
    }

    private static let style = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#111;background:#fff;\
        max-width:1000px;margin:24px auto;padding:0 16px}h1{font-size:24px;margin:0 0 4px}\
        h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}.lead{color:#444;margin:0 0 12px}\
        table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}\
        th,td{border-bottom:1px solid #e3e3e3;padding:3px 6px;text-align:left;vertical-align:top}\
        th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}td.t{white-space:nowrap}\
        .crit{color:#b00020;font-weight:600}.warn{color:#9a5b00;font-weight:600}.info{color:#245}\
        .sym td:first-child{padding-left:22px}figure{margin:8px 0 16px;break-inside:avoid}\
        figcaption{font-weight:600;margin-bottom:2px}svg{width:100%;height:auto}\
        .cards{display:flex;flex-wrap:wrap;gap:8px}.card{border:1px solid #ddd;border-radius:4px;padding:6px 10px;\
        min-width:140px}.card b{display:block;font-size:18px}.muted{color:#666}code{font-size:12px}\
        footer{margin-top:28px;color:#666;font-size:12px}@media print{body{margin:0;max-width:none}\
        h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
        """

    private static func summary(_ data: ReportData) -> String {
        let incidents = data.alerts.filter { span in data.alerts.contains { $0.alert.cause == span.alert.identity } }
        let worstHit = data.series[.hitRatio]?.values.flatMap { $0.map(\.value) }.min()
        let peakEvictions = data.series[.evictedPerSec]?.values.flatMap { $0.map(\.value) }.max()
        var peakMemory: Double?
        for (node, points) in data.series[.usedMemoryBytes] ?? [:] {
            guard let limit = data.maxmemory[node], let peak = points.map(\.value).max() else { continue }
            peakMemory = max(peakMemory ?? 0, peak / limit)
        }
        let cards: [(String, String)] = [
            ("alerts fired", String(data.alerts.count)), ("incidents", String(incidents.count)),
            ("lowest hit ratio", ReportFigures.value(worstHit, .hitRatio)),
            ("peak evictions/s", ReportFigures.value(peakEvictions, .evictedPerSec)),
            ("peak memory of max", peakMemory.map { ValueFormatting.percent($0) + "%" } ?? "-"),
            ("slow commands", String(data.slowlogCount)),
            ("failed polls", String(data.failedPolls.values.reduce(0, +))),
        ]
        return "<div class=\"cards\">"
            + cards.map {
                "<div class=\"card\"><b>\(escape($0.1))</b><span class=\"muted\">\(escape($0.0))</span></div>"
            }
            .joined() + "</div>\n"
    }

    private static func severityClass(_ severity: Severity) -> String {
        switch severity {
        case .critical: "crit"
        case .warning: "warn"
        case .info: "info"
        }
    }

    /// Alerts oldest first, each incident's symptoms right beneath its cause.
    static func ordered(_ spans: [ReportData.AlertSpan]) -> [(span: ReportData.AlertSpan, isSymptom: Bool)] {
        let causes = Set(spans.map(\.alert.identity))
        var rows: [(span: ReportData.AlertSpan, isSymptom: Bool)] = []
        for span in spans where span.alert.cause.map({ !causes.contains($0) }) ?? true {
            rows.append((span, span.alert.cause != nil))
            for symptom in spans where symptom.alert.cause == span.alert.identity && symptom.start >= span.start {
                rows.append((symptom, true))
            }
        }
        // Symptoms whose cause fired again later than them stay listed.
        let listed = Set(rows.map { "\($0.span.alert.identity) \($0.span.start)" })
        rows += spans.filter { !listed.contains("\($0.alert.identity) \($0.start)") }.map { ($0, true) }
        return rows
    }

    private static func timeline(_ data: ReportData) -> String {
        var html = "<h2>Alerts and incidents</h2>\n"
        guard !data.alerts.isEmpty else { return html + "<p>No alert fired in this window.</p>\n" }
        html += timelineChart(data)
        html +=
            "<table><tr><th>alert</th><th>severity</th><th>node</th><th>fired</th><th>resolved</th><th>lasted</th><th>summary</th></tr>\n"
        for (span, isSymptom) in ordered(data.alerts) {
            let resolved = span.end.map(ReportFigures.time) ?? "still firing"
            let lasted = ReportFigures.duration((span.end ?? data.to) - span.start)
            let name = (isSymptom ? "└ " : "") + span.alert.name
            let cause = span.alert.cause.map { " <span class=\"muted\">(symptom of \(escape($0)))</span>" } ?? ""
            html += """
                <tr\(isSymptom ? " class=\"sym\"" : "")><td>\(escape(name))</td>\
                <td class="\(severityClass(span.alert.severity))">\(span.alert.severity.rawValue)</td>\
                <td>\(escape(span.alert.labels["node"] ?? ""))</td><td class="t">\(ReportFigures.time(span.start))</td>\
                <td class="t">\(escape(resolved))</td><td class="n">\(lasted)</td><td>\(escape(span.alert.summary))\(cause)</td></tr>

                """
        }
        return html + "</table>\n"
    }

    /// One row per alert, a bar from firing to resolution.
    private static func timelineChart(_ data: ReportData) -> String {
        let rows = ordered(data.alerts)
        let (width, left, rowHeight) = (960.0, 220.0, 16.0)
        let height = Double(rows.count) * rowHeight + 24
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"alert timeline\">"
        svg += axis(from: data.from, to: data.to, x0: left, x1: width - 10, y: height - 18, top: 0)
        for (index, row) in rows.enumerated() {
            let y = Double(index) * rowHeight + 2
            let x0 = x(row.span.start, data, left, width - 10)
            let x1 = max(x0 + 2, x(row.span.end ?? data.to, data, left, width - 10))
            let color =
                row.span.alert.severity == .critical
                ? "#c0392b" : row.span.alert.severity == .warning ? "#e0a100" : "#5b7fa6"
            svg +=
                "<text x=\"\(row.isSymptom ? 14 : 2)\" y=\"\(fmt(y + 11))\" font-size=\"11\">\(escape(row.span.alert.name))</text>"
            svg +=
                "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(x1 - x0))\" height=\"\(fmt(rowHeight - 5))\" fill=\"\(color)\"/>"
        }
        return svg + "</svg>\n"
    }

    private static func x(_ time: Double, _ data: ReportData, _ x0: Double, _ x1: Double) -> Double {
        let span = max(data.to - data.from, 1)
        return x0 + (min(max(time, data.from), data.to) - data.from) / span * (x1 - x0)
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Time ticks along the bottom of a chart.
    private static func axis(from: Double, to: Double, x0: Double, x1: Double, y: Double, top: Double) -> String {
        var svg = "<line x1=\"\(fmt(x0))\" y1=\"\(fmt(y))\" x2=\"\(fmt(x1))\" y2=\"\(fmt(y))\" stroke=\"#999\"/>"
        let span = max(to - from, 1)
        for index in 0...5 {
            let time = from + span * Double(index) / 5
            let position = x0 + (x1 - x0) * Double(index) / 5
            let stamp = ReportFigures.time(time)
            let label =
                span > 86_400
                ? String(stamp.dropFirst(5).prefix(11)) : String(stamp.dropFirst(11).prefix(span < 600 ? 8 : 5))
            svg +=
                "<line x1=\"\(fmt(position))\" y1=\"\(fmt(top))\" x2=\"\(fmt(position))\" y2=\"\(fmt(y))\" stroke=\"#eee\"/>"
            let anchor = index == 0 ? "start" : index == 5 ? "end" : "middle"
            svg +=
                "<text x=\"\(fmt(position))\" y=\"\(fmt(y + 14))\" font-size=\"11\" text-anchor=\"\(anchor)\" fill=\"#555\">\(label)</text>"
        }
        return svg
    }

    /// A line per node over the window; firing alerts of the node shaded behind.
    private static func chart(_ data: ReportData, metric: Metric, series: ReportData.Series) -> String {
        let (width, height, left, bottom, top) = (960.0, 190.0, 64.0, 22.0, 8.0)
        let right = width - 10
        let plotBottom = height - bottom
        var maximum = series.values.flatMap { $0.map(\.value) }.max() ?? 1
        if metric == .usedMemoryBytes { maximum = max(maximum, data.maxmemory.values.max() ?? 0) }
        if metric == .hitRatio { maximum = 1 }
        maximum = maximum > 0 ? maximum * 1.05 : 1
        func y(_ value: Double) -> Double { plotBottom - value / maximum * (plotBottom - top) }
        var svg =
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(ReportFigures.title(metric)))\">"
        for span in data.alerts where span.alert.severity != .info {
            let x0 = x(span.start, data, left, right)
            let x1 = max(x0 + 1, x(span.end ?? data.to, data, left, right))
            let color = span.alert.severity == .critical ? "#f6d5d1" : "#fbeecb"
            svg +=
                "<rect x=\"\(fmt(x0))\" y=\"\(fmt(top))\" width=\"\(fmt(x1 - x0))\" height=\"\(fmt(plotBottom - top))\" fill=\"\(color)\" opacity=\"0.6\"/>"
        }
        for index in 0...4 {
            let value = maximum * Double(index) / 4
            svg +=
                "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(value)))\" x2=\"\(fmt(right))\" y2=\"\(fmt(y(value)))\" stroke=\"#e6e6e6\"/>"
            svg +=
                "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y(value) + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">\(escape(ReportFigures.value(value, metric)))</text>"
        }
        svg += axis(from: data.from, to: data.to, x0: left, x1: right, y: plotBottom, top: top)
        for (index, node) in data.nodes.enumerated() {
            let color = palette[index % palette.count]
            if metric == .usedMemoryBytes, let limit = data.maxmemory[node] {
                svg +=
                    "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y(limit)))\" x2=\"\(fmt(right))\" y2=\"\(fmt(y(limit)))\" stroke=\"\(color)\" stroke-dasharray=\"5 4\"/>"
            }
            guard let points = series[node], !points.isEmpty else { continue }
            let path = points.map { "\(fmt(x($0.time, data, left, right))),\(fmt(y($0.value)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.4\" points=\"\(path)\"/>"
        }
        return svg + "</svg>\n"
    }

    private static func legend(_ data: ReportData) -> String {
        guard data.nodes.count > 1 else { return "" }
        return "<p class=\"muted\">"
            + data.nodes.enumerated().map { index, node in
                "<span style=\"color:\(palette[index % palette.count])\">■</span> \(escape(node))"
            }.joined(separator: " &nbsp; ") + " · shaded: alerts firing (red critical, amber warning)</p>\n"
    }

    private static func nodeTable(_ data: ReportData) -> String {
        var html = "<h2>Nodes</h2><table><tr><th>node</th><th>series</th><th>min</th><th>mean</th><th>max</th></tr>\n"
        for node in data.nodes {
            for metric in ReportData.charted {
                guard let points = data.series[metric]?[node], let figures = ReportFigures.summary(points) else {
                    continue
                }
                html +=
                    "<tr><td>\(escape(node))</td><td>\(escape(metric.name))</td>"
                    + "<td class=\"n\">\(ReportFigures.value(figures.min, metric))</td>"
                    + "<td class=\"n\">\(ReportFigures.value(figures.mean, metric))</td>"
                    + "<td class=\"n\">\(ReportFigures.value(figures.max, metric))</td></tr>\n"
            }
            if let failed = data.failedPolls[node] {
                html +=
                    "<tr><td>\(escape(node))</td><td>failed polls</td><td></td><td></td><td class=\"n\">\(failed)</td></tr>\n"
            }
        }
        return html + "</table>\n"
    }

    private static func namespaceTable(_ data: ReportData, redactsKeys: Bool) -> String {
        var html = "<h2>Namespaces that mattered</h2>\n"
        guard !data.namespaces.isEmpty else {
            return html + "<p>No namespace evicted, missed or risked staleness (or none was sampled).</p>\n"
        }
        html +=
            "<table><tr><th>namespace</th><th>node</th><th>evicted</th><th>misses</th><th>expired</th><th>staleness bound</th><th>invalidated</th></tr>\n"
        for item in data.namespaces {
            let name = redactsKeys ? KeyRedaction.namespace(item.namespace) : item.namespace
            html +=
                "<tr><td><code>\(escape(name))</code></td><td>\(escape(item.node))</td>"
                + "<td class=\"n\">\(ValueFormatting.count(item.evicted))</td><td class=\"n\">\(ValueFormatting.count(item.misses))</td>"
                + "<td class=\"n\">\(ValueFormatting.count(item.expired))</td>"
                + "<td class=\"n\">\(item.stalenessBound.map { ReportFigures.duration($0) } ?? "-")</td>"
                + "<td class=\"n\">\(item.invalidatedShare.map { ValueFormatting.percent($0) + "%" } ?? "-")</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func slowTable(_ data: ReportData, redactsKeys: Bool) -> String {
        var html = "<h2>Slowest commands</h2>\n"
        guard !data.slowest.isEmpty else { return html + "<p>No slow-log entry in this window.</p>\n" }
        html += "<table><tr><th>when</th><th>node</th><th>ms</th><th>command (name and key)</th><th>client</th></tr>\n"
        for item in data.slowest {
            html +=
                "<tr><td class=\"t\">\(ReportFigures.time(item.entry.timestamp.timeIntervalSince1970))</td><td>\(escape(item.node))</td>"
                + "<td class=\"n\">\(ValueFormatting.milliseconds(item.entry.duration.secondsDouble * 1000))</td>"
                + "<td><code>\(escape(ReportFigures.command(item.entry.arguments, redactsKeys: redactsKeys)))</code></td>"
                + "<td>\(escape(item.entry.clientName ?? item.entry.clientAddress ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    private static func noticeList(_ data: ReportData) -> String {
        var html = "<h2>Topology and connections</h2>\n"
        guard !data.notices.isEmpty else { return html + "<p>Nothing changed.</p>\n" }
        html += "<table><tr><th>when</th><th>what</th></tr>\n"
        for notice in data.notices.prefix(200) {
            html +=
                "<tr><td class=\"t\">\(ReportFigures.time(notice.time.timeIntervalSince1970))</td><td>\(escape(notice.text))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Text made safe inside HTML elements and attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
