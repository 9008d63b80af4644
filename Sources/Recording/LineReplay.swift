import Alerts
import Export
import Foundation
import Metrics

/// `cachewatch replay DIR --format json|logfmt|table|csv`: the lines `watch` printed while the
/// recording was made — the same formatters on the same values, restored tick by tick — so
/// that scripts run on the past as on the present. Metric lines per node and tick (with the
/// per-namespace and hot-slot lines where asked), then the alert events of that moment; `csv`
/// prints the rows `watch --csv` appends, after its header.
public struct LineReplay {
    /// The recording read.
    public let recording: Recording
    /// The format printed (`csv`: `watch --csv`'s rows).
    public var format: Format
    /// Whether each metric line is followed by the node's per-namespace lines (JSON, logfmt).
    public var namespaces = false
    /// Whether each metric line of a cluster node with slot stats is followed by its hottest
    /// slots (JSON, logfmt).
    public var slots = false
    /// The first moment printed (seconds since 1970; `nil`: the start).
    public var start: Double?
    /// The last moment printed (`nil`: the end).
    public var end: Double?

    /// What is printed.
    public enum Format: Sendable, Hashable {
        /// A line format of `watch`.
        case lines(LineFormat)
        /// `watch --csv`'s rows.
        case csv
    }

    /// Creates a replay of `recording`.
    public init(recording: Recording, format: Format) {
        self.recording = recording
        self.format = format
    }

    /// A CSV line without its CRLF (the caller ends each line: CRLF for CSV, as `watch --csv`).
    private static func row(_ line: String) -> String {
        line.hasSuffix("\r\n") ? String(decoding: line.utf8.dropLast(2), as: UTF8.self) : line
    }

    /// Prints every line in order through `output` (without line ends); returns how many ticks
    /// were replayed.
    ///
    /// - Throws: ``RecordingError`` when the recording cannot be read; what `output` throws.
    @discardableResult
    public func run(_ output: (String) throws -> Void) throws -> Int {
        let ticks = try recording.ticks(from: start, to: end)
        var events = try recording.alertEvents(from: start, to: end)[...]
        let nodes = Set(ticks.map(\.node))
        var store = MetricStore(capacity: 2)
        var formatter: WatchLineFormatter?
        if case .lines(let lineFormat) = format {
            let many = nodes.count > 1
            formatter = WatchLineFormatter(
                format: lineFormat, nodeWidth: many ? min(24, nodes.map(\.count).max() ?? 0) : nil)
        } else {
            try output(Self.row(try CSVTable.line(MetricsCSV.header.map { .text($0) })))
        }
        func flushEvents(through time: Double) throws {
            guard case .lines(let lineFormat) = format, lineFormat != .table else {
                while let first = events.first, first.time.timeIntervalSince1970 <= time { events.removeFirst() }
                return
            }
            while let first = events.first, first.time.timeIntervalSince1970 <= time {
                try output(AlertEventFormatter.line(first, format: lineFormat))
                events.removeFirst()
            }
        }
        for (index, entry) in ticks.enumerated() {
            store.restore(entry.tick, node: entry.node)
            guard let node = store[entry.node] else { continue }
            switch format {
            case .lines(let lineFormat):
                for line in formatter?.lines(for: node) ?? [] { try output(line) }
                if namespaces {
                    for line in NamespaceLineFormatter.lines(for: node, format: lineFormat) { try output(line) }
                }
                if slots {
                    for line in SlotLineFormatter.lines(for: node, format: lineFormat) { try output(line) }
                }
            case .csv:
                let cells = MetricsCSV.cells(
                    node: entry.node, time: entry.tick.time, values: node.latestValues,
                    columns: MetricsCSV.perNodeColumns)
                try output(Self.row(try CSVTable.line(cells)))
            }
            // A moment's alert events follow its last node's lines.
            if index + 1 == ticks.count || ticks[index + 1].tick.time > entry.tick.time {
                try flushEvents(through: entry.tick.time)
            }
        }
        try flushEvents(through: .infinity)
        return ticks.count
    }
}
