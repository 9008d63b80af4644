import Foundation
import Metrics

/// The metric rows of `metrics.csv` and `watch --csv`: `time` (ISO 8601 UTC), `ts_ms` (unix
/// milliseconds), `node`, then every per-node metric of the vocabulary in its documented
/// order (empty when absent at that tick), then — in snapshots only — per-database series.
public enum MetricsCSV {
    /// The series of the fixed columns: every per-node metric, in vocabulary order.
    public static let perNodeColumns: [SeriesKey] = Metric.perNode.map(SeriesKey.metric)

    /// The fixed columns (what `watch --csv` writes).
    public static let header = ["time", "ts_ms", "node"] + perNodeColumns.map(\.name)

    /// The series of a snapshot's columns: the fixed ones plus the per-database series any
    /// node has, sorted.
    static func columns(for store: some SeriesReading) -> [SeriesKey] {
        var extra = Set<SeriesKey>()
        for node in store.nodeNames {
            for key in store[node]?.seriesKeys ?? [] where key.metric == nil { extra.insert(key) }
        }
        return perNodeColumns + extra.sorted()
    }

    /// The header of a snapshot.
    public static func header(for store: some SeriesReading) -> [String] {
        ["time", "ts_ms", "node"] + columns(for: store).map(\.name)
    }

    /// The cells of one tick: `values` by series, in the order of `columns`.
    public static func cells(
        node: String, time: Double, values: [SeriesKey: Double], columns: [SeriesKey]
    )
        -> [CSVTable.Cell]
    {
        let date = Date(timeIntervalSince1970: time)
        return [
            .text(ValueFormatting.iso8601(date)), .integer(Int64((time * 1000).rounded(.down))), .text(node),
        ] + columns.map { .number(values[$0]) }
    }

    /// Every tick of every node at or after `start` (seconds since 1970), oldest first per node.
    public static func table(_ store: some SeriesReading, since start: Double, neutralizesFormulas: Bool) -> CSVTable {
        let columns = columns(for: store)
        var table = CSVTable(
            header: ["time", "ts_ms", "node"] + columns.map(\.name), neutralizesFormulas: neutralizesFormulas)
        for name in store.nodeNames {
            guard let node = store[name] else { continue }
            let series = columns.map { node.values($0) }
            for index in node.times.indices where node.times[index] >= start {
                var values: [SeriesKey: Double] = [:]
                for (column, columnValues) in zip(columns, series) { values[column] = columnValues[index] }
                table.append(cells(node: name, time: node.times[index], values: values, columns: columns))
            }
        }
        return table
    }
}
