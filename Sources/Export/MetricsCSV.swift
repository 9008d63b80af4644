import Foundation
import Metrics

/// The metric rows of `metrics.csv` and `watch --csv`: `time` (ISO 8601 UTC), `ts_ms` (unix
/// milliseconds), `node`, then every per-node metric of the vocabulary in its documented
/// order (empty when absent at that tick), then — in snapshots only — per-database series.
public enum MetricsCSV {
    /// The fixed columns (what `watch --csv` writes).
    public static let header = ["time", "ts_ms", "node"] + Metric.perNode.map(\.rawValue)

    /// The header of a snapshot: the fixed columns plus the per-database series any node has.
    public static func header(for store: MetricStore) -> [String] {
        header + extraSeries(in: store)
    }

    /// Per-database series held by any node, sorted.
    static func extraSeries(in store: MetricStore) -> [String] {
        let known = Set(Metric.perNode.map(\.rawValue))
        var names = Set<String>()
        for node in store.nodeNames {
            for name in store[node]?.seriesNames ?? [] where !known.contains(name) { names.insert(name) }
        }
        return names.sorted()
    }

    /// The cells of one tick: `values` by series name, `columns` after the first three.
    public static func cells(
        node: String, time: Double, values: [String: Double], columns: ArraySlice<String>
    )
        -> [CSVTable.Cell]
    {
        let date = Date(timeIntervalSince1970: time)
        return [
            .text(ValueFormatting.iso8601(date)), .integer(Int64((time * 1000).rounded(.down))), .text(node),
        ] + columns.map { .number(values[$0]) }
    }

    /// Every tick of every node at or after `start` (seconds since 1970), oldest first per node.
    public static func table(_ store: MetricStore, since start: Double, neutralizesFormulas: Bool) -> CSVTable {
        let header = header(for: store)
        var table = CSVTable(header: header, neutralizesFormulas: neutralizesFormulas)
        let columns = header.dropFirst(3)
        for name in store.nodeNames {
            guard let node = store[name] else { continue }
            let series = columns.map { node.values($0) }
            for index in node.times.indices where node.times[index] >= start {
                var values: [String: Double] = [:]
                for (column, columnValues) in zip(columns, series) { values[column] = columnValues[index] }
                table.append(cells(node: name, time: node.times[index], values: values, columns: columns))
            }
        }
        return table
    }
}
