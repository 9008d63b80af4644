import Foundation
import Metrics

/// The columns of `watch --format table`: what a person scans for at a glance.
enum TableLayout {
    private struct Column: Sendable {
        let title: String
        let width: Int
        let render: @Sendable ([SeriesKey: Double]) -> String
    }

    private static let columns: [Column] = [
        Column(title: "ops/s", width: 7) { ValueFormatting.count($0[metric: .opsPerSec]) },
        Column(title: "hit%", width: 5) { ValueFormatting.percent($0[metric: .hitRatio]) },
        Column(title: "life%", width: 5) { ValueFormatting.percent($0[metric: .hitRatioLifetime]) },
        Column(title: "miss/s", width: 6) { ValueFormatting.count($0[metric: .missesPerSec]) },
        Column(title: "evict/s", width: 7) { ValueFormatting.count($0[metric: .evictedPerSec]) },
        Column(title: "expir/s", width: 7) { ValueFormatting.count($0[metric: .expiredPerSec]) },
        Column(title: "keys", width: 6) { ValueFormatting.count($0[metric: .keys]) },
        Column(title: "mem", width: 6) { ValueFormatting.bytes($0[metric: .usedMemoryBytes]) },
        Column(title: "mem%", width: 5) { ValueFormatting.percent($0[metric: .memoryUsedRatio]) },
        Column(title: "frag", width: 5) { ValueFormatting.ratio($0[metric: .fragmentationRatio]) },
        Column(title: "clis", width: 5) { ValueFormatting.count($0[metric: .clientsConnected]) },
        Column(title: "blk", width: 4) { ValueFormatting.count($0[metric: .clientsBlocked]) },
        Column(title: "in/s", width: 6) { ValueFormatting.bytes($0[metric: .netInBytesPerSec]) },
        Column(title: "out/s", width: 6) { ValueFormatting.bytes($0[metric: .netOutBytesPerSec]) },
        Column(title: "ping", width: 5) { ValueFormatting.milliseconds($0[metric: .pingMs]) },
        Column(title: "p99", width: 5) { ValueFormatting.milliseconds($0[metric: .pingP99Ms]) },
        Column(title: "slow", width: 5) { ValueFormatting.count($0[metric: .slowlogNew]) },
    ]

    /// Two lines: the column titles and a rule. `nodeWidth` adds a node column (several nodes).
    static func header(nodeWidth: Int? = nil) -> [String] {
        let node = nodeWidth.map { " " + padRight("node", $0) } ?? ""
        let titles = "time    " + node + columns.map { " " + pad($0.title, $0.width) }.joined()
        return [titles, String(repeating: "-", count: titles.count)]
    }

    static func row(time: Date, values: [SeriesKey: Double], node: String? = nil, nodeWidth: Int? = nil) -> String {
        let nodeCell = nodeWidth.map { " " + padRight(String((node ?? "").prefix($0)), $0) } ?? ""
        return ValueFormatting.timeOfDay(time) + nodeCell
            + columns.map { " " + pad($0.render(values), $0.width) }.joined()
    }

    private static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
