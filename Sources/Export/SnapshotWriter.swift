import Alerts
import Foundation
import Metrics
import Telemetry

/// Writes a ``Snapshot`` as a directory of CSV files and a manifest.
///
/// The directory is written under a hidden temporary name in the destination and renamed to
/// `cachewatch-snapshot-<UTC time>` only when every file is complete, so a failure (full disk,
/// permissions) never leaves a directory that looks complete.
///
/// Key names: `key` holds the name as text when it is valid UTF-8 (commas, quotes and newlines
/// are quoted by RFC 4180), else its `redis-cli`-style escaped form (`\xNN`); `key_hex` always
/// holds the exact bytes in hexadecimal. With ``ExportOptions/redactsKeys`` both give way to a
/// stable token (`key#<hash>`), in every file; namespace patterns with `*` are kept, literal
/// ones (a single key) are redacted too.
public struct SnapshotWriter {
    /// How text is treated.
    public let options: ExportOptions

    /// Creates a writer.
    public init(options: ExportOptions = ExportOptions()) {
        self.options = options
    }

    /// The files of a snapshot by name, in memory.
    public func files(for snapshot: Snapshot) throws -> [(name: String, text: String)] {
        let tables: [(name: String, text: String)] = [
            (
                "metrics.csv",
                try MetricsCSV.table(
                    snapshot.store, since: snapshot.windowStart, neutralizesFormulas: options.neutralizesFormulas
                ).text()
            ),
            ("bigkeys.csv", try bigKeys(snapshot).text()),
            ("namespaces.csv", try namespaces(snapshot).text()),
            ("ttl_histogram.csv", try ttlHistogram(snapshot).text()),
            ("expiry_forecast.csv", try expiryForecast(snapshot).text()),
            ("slowlog.csv", try slowlog(snapshot.store).text()),
            ("commands.csv", try commands(snapshot.store).text()),
            ("alerts.csv", try alerts(snapshot).text()),
            ("hotkeys.csv", try hotKeys(snapshot.store).text()),
        ]
        let manifest = SnapshotManifest(snapshot, options: options, files: tables.map(\.name))
        return tables + [("manifest.json", JSONOutput.document(manifest))]
    }

    /// Writes the snapshot into a new directory under `destination`; returns its path.
    ///
    /// - Throws: ``SnapshotError`` with a one-line reason.
    @discardableResult
    public func write(_ snapshot: Snapshot, into destination: String) throws(SnapshotError) -> String {
        let contents: [(name: String, text: String)]
        do {
            contents = try files(for: snapshot)
        } catch {
            throw SnapshotError("cannot encode the snapshot: \(error)")
        }
        try Self.checkDestination(destination)
        let manager = FileManager.default
        // Two snapshots in the same second get -2, -3… rather than mixing.
        var name = "cachewatch-snapshot-" + Self.stamp(snapshot.takenAt)
        var final = (destination as NSString).appendingPathComponent(name)
        var suffix = 1
        while manager.fileExists(atPath: final) {
            suffix += 1
            guard suffix < 1000 else { throw SnapshotError("'\(final)' already exists") }
            name = "cachewatch-snapshot-" + Self.stamp(snapshot.takenAt) + "-\(suffix)"
            final = (destination as NSString).appendingPathComponent(name)
        }
        let partial = (destination as NSString).appendingPathComponent(".\(name).partial-\(getpid())")
        do {
            try manager.createDirectory(atPath: partial, withIntermediateDirectories: false)
        } catch {
            throw SnapshotError("cannot write to '\(destination)': \(SnapshotError.reason(of: error))")
        }
        do {
            for file in contents {
                try Data(file.text.utf8).write(
                    to: URL(fileURLWithPath: (partial as NSString).appendingPathComponent(file.name)))
            }
            try manager.moveItem(atPath: partial, toPath: final)
        } catch {
            try? manager.removeItem(atPath: partial)
            throw SnapshotError("cannot write the snapshot in '\(destination)': \(SnapshotError.reason(of: error))")
        }
        return final
    }

    /// Checks that `destination` is a directory this process can write in, creating it (and
    /// its parents) when it does not exist yet.
    ///
    /// - Throws: ``SnapshotError`` with a one-line reason.
    public static func checkDestination(_ destination: String) throws(SnapshotError) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            } catch {
                throw SnapshotError("cannot create '\(destination)': \(SnapshotError.reason(of: error))")
            }
            isDirectory = true
        }
        guard isDirectory.boolValue else {
            throw SnapshotError("'\(destination)' is not a directory")
        }
        guard access(destination, W_OK) == 0 else {
            throw SnapshotError("cannot write to '\(destination)': \(String(cString: strerror(errno)))")
        }
    }

    /// `20261124T103136Z` (sortable, no characters that file systems dislike).
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    // MARK: Tables

    private func table(_ header: [String]) -> CSVTable {
        CSVTable(header: header, neutralizesFormulas: options.neutralizesFormulas)
    }

    private func keyCells(_ name: [UInt8]) -> [CSVTable.Cell] {
        KeyRedaction.csvCells(name, redacting: options.redactsKeys)
    }

    private func namespaceCell(_ pattern: String) -> CSVTable.Cell {
        .text(options.redactsKeys ? KeyRedaction.namespace(pattern) : pattern)
    }

    /// The hot keys each node's server measured (`HOTKEYS`: Valkey 9.2+, Redis 8.6+), newest
    /// reading; no rows where none was read.
    private func hotKeys(_ store: some SeriesReading) -> CSVTable {
        var table = table(ServerHotKeys.csvHeader)
        for node in store.nodeNames {
            guard let hotKeys = store[node]?.serverHotKeys else { continue }
            for row in hotKeys.csvRows(node: node, redactingKeys: options.redactsKeys) { table.append(row) }
        }
        return table
    }

    /// The sampled nodes in store order, with their keyspace figures.
    private func models(_ snapshot: Snapshot) -> [(node: String, model: KeyspaceFigures)] {
        snapshot.store.nodeNames.compactMap { node in snapshot.keyspaces[node].map { (node, $0) } }
    }

    private func bigKeys(_ snapshot: Snapshot) -> CSVTable {
        var table = table([
            "node", "list", "rank", "key", "key_hex", "namespace", "type", "memory_bytes", "length", "ttl_ms", "big",
        ])
        for (node, model) in models(snapshot) {
            func add(_ list: String, _ keys: [KeyMetadata]) {
                for (rank, key) in keys.enumerated() {
                    table.append(
                        [.text(node), .text(list), .integer(Int64(rank + 1))] + keyCells(key.name) + [
                            namespaceCell(model.namespace(of: key)), .text(key.type), .integer(key.memoryBytes),
                            .integer(key.length), .integer(key.ttlMilliseconds), .integer(model.isBig(key) ? 1 : 0),
                        ])
                }
            }
            add("by_memory", model.biggestByMemory)
            add("by_length", model.biggestByLength)
            for (_, key) in model.biggestByType.sorted(by: { $0.key < $1.key }) { add("by_type", [key]) }
        }
        return table
    }

    private func namespaces(_ snapshot: Snapshot) -> CSVTable {
        // Keyspace events' rates where they are counted (empty cells: events off), then how keys
        // end (empty until enough ends were seen); each column named after its metric.
        let columns: [Metric] = [
            .namespaceEvictedPerSec, .namespaceExpiredPerSec, .namespaceMissesPerSec, .namespaceDeletedPerSec,
            .namespaceOverwrittenPerSec, .namespaceNewPerSec, .namespaceExpiredShare, .namespaceInvalidatedShare,
            .namespaceEvictedShare, .namespaceStalenessBoundSeconds, .namespaceEndAgeShareP50, .namespaceEndAgeShareP90,
        ]
        var table = table(
            [
                "node", "namespace", "sampled_keys", "estimated_keys", "estimated_memory_bytes", "share_without_ttl",
                "mean_ttl_seconds", "min_ttl_ms", "max_ttl_ms", "ttl_jitter", "expiry_wave_keys",
            ] + columns.map { String($0.name.dropFirst("namespace_".count)) })
        let now = snapshot.takenAt
        for (node, model) in models(snapshot) {
            // A namespace seen only in events (its keys gone, say) gets a row of its own.
            let metrics = snapshot.store[node]
            func figureCells(_ name: String) -> [CSVTable.Cell] {
                columns.map { .number(metrics?.value($0, instance: name)) }
            }
            var named = Set<String>()
            for stats in model.namespacesByKeys.map(\.stats) {
                named.insert(stats.name)
                table.append(
                    [
                        .text(node), namespaceCell(stats.name), .integer(Int64(stats.sampledKeys)),
                        .number(model.estimatedKeys(stats.name)), .number(model.estimatedMemory(stats.name)),
                        .number(stats.shareWithoutTTL), .number(stats.meanTTLSeconds), .integer(stats.minimumTTL),
                        .integer(stats.maximumTTL), .number(stats.ttlJitter),
                        .number(model.expiryWave(of: stats.name)),
                    ] + figureCells(stats.name))
            }
            let eventOnly = Set(
                columns.filter(\.comesFromKeyspaceEvents).flatMap { metrics?.instances($0)?.keys ?? [:].keys }
            )
            .subtracting(named).sorted()
            for name in eventOnly {
                table.append(
                    [.text(node), namespaceCell(name), .integer(0)] + Array(repeating: .number(nil), count: 8)
                        + figureCells(name))
            }
        }
        return table
    }

    private func ttlHistogram(_ snapshot: Snapshot) -> CSVTable {
        var table = table(["node", "bucket", "sampled_keys", "estimated_keys", "share"])
        for (node, model) in models(snapshot) {
            for bucket in TTLBucket.allCases {
                let count = model.ttlBuckets[bucket] ?? 0
                table.append([
                    .text(node), .text(bucket.label), .integer(Int64(count)), .number(Double(count) * model.scale),
                    .number(model.sampledKeys > 0 ? Double(count) / Double(model.sampledKeys) : 0),
                ])
            }
        }
        return table
    }

    private func expiryForecast(_ snapshot: Snapshot) -> CSVTable {
        var table = table(["node", "seconds_from_now", "time", "ts_ms", "estimated_keys"])
        let now = snapshot.takenAt
        let start = Int64(now.timeIntervalSince1970)
        for (node, model) in models(snapshot) {
            for (offset, keys) in model.expiryForecast(now: now).enumerated() {
                let second = start + Int64(offset) + 1
                table.append([
                    .text(node), .integer(Int64(offset + 1)),
                    .text(ValueFormatting.iso8601(Date(timeIntervalSince1970: Double(second)))),
                    .integer(second * 1000), .number(keys),
                ])
            }
        }
        return table
    }

    private func slowlog(_ store: some SeriesReading) -> CSVTable {
        var table = table([
            "node", "id", "time", "ts_ms", "duration_us", "command", "arguments", "client_address", "client_name",
        ])
        for name in store.nodeNames {
            for entry in store[name]?.slowlog ?? RingBuffer(capacity: 1) {
                let arguments = entry.arguments.dropFirst().map { argument in
                    options.redactsKeys ? KeyRedaction.token(for: argument) : KeyName.escaped(argument)
                }
                table.append([
                    .text(name), .integer(entry.id), .text(ValueFormatting.iso8601(entry.timestamp)),
                    .integer(Int64((entry.timestamp.timeIntervalSince1970 * 1000).rounded(.down))),
                    .integer(Int64(entry.duration.secondsDouble * 1_000_000)), .text(entry.commandName),
                    .text(arguments.joined(separator: " ")), .text(entry.clientAddress ?? ""),
                    .text(entry.clientName ?? ""),
                ])
            }
        }
        return table
    }

    private func commands(_ store: some SeriesReading) -> CSVTable {
        var table = table([
            "node", "command", "calls", "usec", "usec_per_call", "rejected_calls", "failed_calls", "calls_per_sec",
        ])
        for name in store.nodeNames {
            guard let node = store[name], let info = node.commandStatsInfo else { continue }
            var elapsed: Double?
            if let last = node.commandStatsTime, let previous = node.previousCommandStatsTime {
                elapsed = last.timeIntervalSince(previous)
            }
            for (command, stat) in info.commandStats.sorted(by: { ($0.value.calls, $1.key) > ($1.value.calls, $0.key) })
            {
                var rate: Double?
                if let elapsed, elapsed > 0, let before = node.previousCommandStatsInfo?.commandStats[command],
                    stat.calls >= before.calls
                {
                    rate = Double(stat.calls - before.calls) / elapsed
                }
                table.append([
                    .text(name), .text(command), .integer(stat.calls), .integer(stat.microseconds),
                    .number(stat.microsecondsPerCall), .integer(stat.rejectedCalls), .integer(stat.failedCalls),
                    .number(rate),
                ])
            }
        }
        return table
    }

    private func alerts(_ snapshot: Snapshot) -> CSVTable {
        var table = table([
            "alertname", "state", "severity", "node", "namespace", "labels", "value", "summary", "cause", "starts_at",
            "ends_at",
        ])
        func labels(_ alert: Alert) -> String {
            alert.labels.filter { $0.key != "node" && $0.key != "namespace" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        // The identity of the alert's incident cause (its rule alone when key names are
        // redacted: an identity can hold a namespace).
        func cause(of alert: Alert) -> String {
            guard let cause = alert.cause else { return "" }
            return options.redactsKeys ? String(cause.prefix { $0 != "{" }) : cause
        }
        func row(_ alert: Alert, state: String, start: Date?, end: Date?) {
            table.append([
                .text(alert.name), .text(state), .text(alert.severity.rawValue), .text(alert.labels["node"] ?? ""),
                alert.labels["namespace"].map(namespaceCell) ?? .text(""), .text(labels(alert)), .number(alert.value),
                .text(options.redactsKeys && alert.labels["namespace"] != nil ? "" : alert.summary),
                .text(cause(of: alert)),
                .text(start.map(ValueFormatting.iso8601) ?? ""), .text(end.map(ValueFormatting.iso8601) ?? ""),
            ])
        }
        // One row per firing: closed by its resolution, or still open.
        var open: [String: AlertEvent] = [:]
        var rows: [(AlertEvent, Date?)] = []
        for event in snapshot.events {
            switch event.kind {
            case .firing: open[event.alert.identity] = event
            case .resolved:
                if let start = open.removeValue(forKey: event.alert.identity) {
                    rows.append((start, event.time))
                } else {
                    rows.append((event, event.time))  // fired before the window
                }
            }
        }
        rows += open.values.map { ($0, nil) }
        for (event, end) in rows.sorted(by: { $0.0.time < $1.0.time }) {
            row(
                event.alert, state: end == nil ? "firing" : "resolved", start: event.alert.firedAt ?? event.time,
                end: end)
        }
        for alert in snapshot.active where alert.state == .pending {
            row(alert, state: "pending", start: alert.activeSince, end: nil)
        }
        return table
    }
}

/// Why a snapshot or CSV export could not be written, in one line.
public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    /// The reason.
    public let description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }

    /// A file-system error in one line: the POSIX message (`No space left on device`) when
    /// there is one, else Foundation's description.
    public static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        let posix =
            nsError.domain == NSPOSIXErrorDomain
            ? nsError
            : (nsError.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap {
                $0.domain == NSPOSIXErrorDomain ? $0 : nil
            }
        if let posix, let message = strerror(Int32(posix.code)) { return String(cString: message) }
        return nsError.localizedDescription.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
