import Foundation
import Metrics
import Telemetry

/// The result of `cachewatch scan`, as text for people or JSON for programs.
public struct ScanReport: Sendable {
    /// The model built from the sampled keys.
    public var model: KeyspaceModel
    /// The node scanned, as printed.
    public var node: String
    /// When the scan ended.
    public var finishedAt: Date
    /// How long it took.
    public var elapsedSeconds: Double
    /// Whether the whole keyspace was covered (a full pass).
    public var complete: Bool
    /// Whether Ctrl-C cut it short.
    public var interrupted: Bool
    /// Commands sent to the server.
    public var commandsSent: Int
    /// Parts the server refused, with reasons.
    public var unavailable: [String]
    /// The newest `HOTKEYS` session's result (Redis 8.6+), where the server has one.
    public var serverHotkeys: HotkeysReport?
    /// For a report of RDB files: the bytes read (the head says so, not commands sent).
    public var dumpBytes: Int64?
    /// Key names replaced by stable tokens (`--redact-keys`), literal namespaces too.
    public var redactsKeys = false

    /// A key's name as the report shows it: escaped, or its token when redacting.
    func shown(_ key: KeyMetadata) -> String {
        redactsKeys ? KeyRedaction.token(for: key.name) : key.displayName
    }

    /// A raw key name as the report shows it.
    func shown(raw name: [UInt8]) -> String {
        redactsKeys ? KeyRedaction.token(for: name) : KeyName.escaped(name)
    }

    /// A namespace as the report shows it (a literal key name is redacted like a key).
    func shown(namespace: String) -> String {
        redactsKeys ? KeyRedaction.namespace(namespace) : namespace
    }

    /// Creates a report.
    public init(
        model: KeyspaceModel, node: String, finishedAt: Date, elapsedSeconds: Double, complete: Bool, interrupted: Bool,
        commandsSent: Int, unavailable: [String]
    ) {
        self.model = model
        self.node = node
        self.finishedAt = finishedAt
        self.elapsedSeconds = elapsedSeconds
        self.complete = complete
        self.interrupted = interrupted
        self.commandsSent = commandsSent
        self.unavailable = unavailable
    }

    /// The report for a person.
    public var text: String {
        var lines: [String] = []
        let total = model.totalKeys.map { ValueFormatting.count(Double($0)) } ?? "?"
        var head: String
        if let dumpBytes {
            head = "\(node): \(model.sampledKeys) \(model.sampledKeys == 1 ? "key" : "keys"), the whole dump"
            head += String(
                format: " in %.1fs (%@B at %@B/s)", elapsedSeconds, ValueFormatting.count(Double(dumpBytes)),
                ValueFormatting.count(Double(dumpBytes) / max(elapsedSeconds, 0.001)))
        } else {
            head = "\(node): \(model.sampledKeys) \(model.sampledKeys == 1 ? "key" : "keys") sampled of \(total)"
            head +=
                complete
                ? " (full scan)"
                : model.totalKeys.map {
                    " (\(ValueFormatting.percent(Double(model.sampledKeys) / Double(max(1, $0))))%)"
                }
                    ?? ""
            head += String(format: " in %.1fs, %d commands", elapsedSeconds, commandsSent)
        }
        if interrupted { head += " — interrupted, partial results" }
        lines.append(head)
        for reason in unavailable { lines.append("note: \(reason)") }

        lines.append("")
        lines.append("Biggest keys by memory")
        lines.append(row(["memory", "type", "length", "TTL", "key"], widths: [9, 7, 9, 8]))
        // Keys of one namespace of about one size in a row are one line (`page:*:html ×18`):
        // twenty copies of one shape hide the other big keys.
        // Runs are cut from the deeper ranking: K rows of distinct shapes, not K keys.
        let runs = SameSizeRuns.of(model.biggestByMemoryForRuns, namespace: model.namespace(of:))
        for run in runs.prefix(model.biggestByMemory.count) {
            let key = run[0]
            if run.count == 1 {
                lines.append(
                    row(
                        [
                            ValueFormatting.bytes(key.memoryBytes.map(Double.init)), key.type,
                            key.length.map { ValueFormatting.count(Double($0)) } ?? "-", ttl(key.ttlMilliseconds),
                            shown(key) + (model.isBig(key) ? "  [big]" : ""),
                        ], widths: [9, 7, 9, 8]))
            } else {
                let mean = Double(run.compactMap(\.memoryBytes).reduce(0, +)) / Double(run.count)
                lines.append(
                    row(
                        [
                            "~" + ValueFormatting.bytes(mean), key.type, "-", "-",
                            "\(run.count)× \(shown(namespace: model.namespace(of: key))), "
                                + SameSizeRuns.sizeText(run) { ValueFormatting.bytes($0) }
                                + (run.contains(where: model.isBig) ? "  [big]" : ""),
                        ], widths: [9, 7, 9, 8]))
            }
        }
        if model.biggestByType.count > 1 {
            lines.append("")
            lines.append("Biggest of each type")
            for (type, key) in model.biggestByType.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    row(
                        [type, ValueFormatting.bytes(key.memoryBytes.map(Double.init)), shown(key)],
                        widths: [7, 9]))
            }
        }
        if !model.biggestByLength.isEmpty {
            lines.append("")
            lines.append("Biggest keys by length")
            lines.append(row(["length", "type", "memory", "key"], widths: [9, 7, 9]))
            for key in model.biggestByLength {
                lines.append(
                    row(
                        [
                            ValueFormatting.count(key.length.map(Double.init)), key.type,
                            ValueFormatting.bytes(key.memoryBytes.map(Double.init)), shown(key),
                        ], widths: [9, 7, 9]))
            }
        }

        if !model.hottest.isEmpty {
            lines.append("")
            lines.append("Hottest keys (OBJECT FREQ: the LFU policy's logarithmic access counter)")
            lines.append(row(["freq", "type", "namespace", "key"], widths: [5, 7]))
            for key in model.hottest {
                lines.append(
                    row(
                        [
                            key.frequency.map(String.init) ?? "-", key.type, shown(namespace: model.namespace(of: key)),
                            shown(key),
                        ],
                        widths: [5, 7, 0]))
            }
        }

        if let hotkeys = serverHotkeys {
            lines.append("")
            let seconds = ValueFormatting.duration(seconds: Double(hotkeys.durationMilliseconds ?? 0) / 1000)
            lines.append(
                "Hot keys by the server (HOTKEYS, \(hotkeys.isActive ? "tracking for" : "session of") \(seconds))")
            for (title, entries, unit) in [
                ("CPU µs", hotkeys.byCPUMicroseconds, false), ("net bytes", hotkeys.byNetworkBytes, true),
            ] where !entries.isEmpty {
                lines.append("  by \(title):")
                for entry in entries.prefix(10) {
                    let value = unit ? ValueFormatting.bytes(Double(entry.value)) : String(entry.value)
                    lines.append(row([value, shown(raw: entry.key)], widths: [10]))
                }
            }
        }

        lines.append("")
        if model.isExhaustive {
            lines.append("Namespaces (every key counted)")
            lines.append(
                row(["keys", "memory", "no TTL", "mean TTL", "jitter", "namespace"], widths: [8, 9, 7, 9, 7]))
        } else {
            lines.append("Namespaces (estimated from the sample)")
            lines.append(
                row(["keys~", "memory~", "no TTL", "mean TTL", "jitter", "namespace"], widths: [8, 9, 7, 9, 7]))
        }
        for stats in model.namespacesByKeys.prefix(30) {
            lines.append(
                row(
                    [
                        ValueFormatting.count(model.estimatedKeys(stats.name)),
                        ValueFormatting.bytes(model.estimatedMemory(stats.name)),
                        ValueFormatting.percent(stats.shareWithoutTTL) + "%",
                        stats.meanTTLSeconds.map { ValueFormatting.duration(seconds: $0) } ?? "-",
                        stats.ttlJitter.map { String(format: "%.2f", $0) } ?? "-",
                        shown(namespace: stats.name),
                    ], widths: [8, 9, 7, 9, 7]))
        }
        if model.namespaces.count > 30 { lines.append("… and \(model.namespaces.count - 30) more") }

        lines.append("")
        lines.append("TTL distribution")
        for bucket in TTLBucket.allCases {
            let count = model.ttlBuckets[bucket] ?? 0
            let share = model.sampledKeys > 0 ? Double(count) / Double(model.sampledKeys) : 0
            let bar = String(repeating: "#", count: Int((share * 40).rounded()))
            lines.append(row([bucket.label, ValueFormatting.percent(share) + "%", bar], widths: [7, 6]))
        }

        lines.append("")
        // Waves worth a look, in the order they come: a few keys sharing a second is no wave.
        let peaks = model.expiryPeaks(now: finishedAt).filter { $0.keys >= Self.minimumWaveKeys }
            .sorted { $0.secondsFromNow < $1.secondsFromNow }
        lines.append(
            "Expiry waves in the next \(ValueFormatting.duration(seconds: Double(model.configuration.horizonSeconds))) "
                + "(\(Int(Self.minimumWaveKeys)) keys or more in one second, soonest first)")
        if peaks.isEmpty { lines.append("none") }
        for peak in peaks {
            let at = finishedAt.addingTimeInterval(Double(peak.secondsFromNow))
            lines.append(
                "in \(ValueFormatting.duration(seconds: Double(peak.secondsFromNow))) (\(ValueFormatting.timeOfDay(at))): ~\(ValueFormatting.count(peak.keys)) keys expire in the same second"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fewest keys expiring in one second that the text report calls a wave.
    public static let minimumWaveKeys = 100.0

    /// The report as one JSON object.
    public var json: String {
        func key(_ key: KeyMetadata) -> String {
            var fields = ["\"key\":\(JSONText.string(shown(key)))", "\"type\":\(JSONText.string(key.type))"]
            fields.append("\"memory_bytes\":\(key.memoryBytes.map { String($0) } ?? "null")")
            fields.append("\"length\":\(key.length.map { String($0) } ?? "null")")
            fields.append("\"ttl_ms\":\(key.ttlMilliseconds.map { String($0) } ?? "null")")
            fields.append("\"big\":\(model.isBig(key))")
            if let frequency = key.frequency { fields.append("\"lfu_frequency\":\(frequency)") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let namespaces = model.namespacesByKeys.map { stats in
            "{\"namespace\":\(JSONText.string(shown(namespace: stats.name))),\"sampled_keys\":\(stats.sampledKeys),"
                + "\"estimated_keys\":\(JSONText.number(model.estimatedKeys(stats.name))),"
                + "\"estimated_memory_bytes\":\(JSONText.number(model.estimatedMemory(stats.name))),"
                + "\"share_without_ttl\":\(JSONText.number(stats.shareWithoutTTL)),"
                + "\"mean_ttl_seconds\":\(stats.meanTTLSeconds.map(JSONText.number) ?? "null"),"
                + "\"min_ttl_ms\":\(stats.minimumTTL.map { String($0) } ?? "null"),"
                + "\"max_ttl_ms\":\(stats.maximumTTL.map { String($0) } ?? "null"),"
                + "\"ttl_jitter\":\(stats.ttlJitter.map(JSONText.number) ?? "null"),"
                + "\"ttl_distribution\":{\(TTLBucket.allCases.map { "\(JSONText.string($0.label)):\(stats.ttlBuckets[$0] ?? 0)" }.joined(separator: ","))}}"
        }
        let buckets = TTLBucket.allCases.map { "\(JSONText.string($0.label)):\(model.ttlBuckets[$0] ?? 0)" }
        let peaks = model.expiryPeaks(now: finishedAt).map {
            "{\"seconds_from_now\":\($0.secondsFromNow),\"estimated_keys\":\(JSONText.number($0.keys))}"
        }
        return "{\"node\":\(JSONText.string(node)),\"time\":\(JSONText.string(ValueFormatting.iso8601(finishedAt))),"
            + "\"sampled_keys\":\(model.sampledKeys),\"total_keys\":\(model.totalKeys.map { String($0) } ?? "null"),"
            + "\"every_key_counted\":\(model.isExhaustive),"
            + "\"complete\":\(complete),\"interrupted\":\(interrupted),\"elapsed_seconds\":\(JSONText.number(elapsedSeconds)),"
            + "\"commands\":\(commandsSent),\"rdb_bytes\":\(dumpBytes.map { String($0) } ?? "null"),\"unavailable\":[\(unavailable.map(JSONText.string).joined(separator: ","))],"
            + "\"biggest_by_memory\":[\(model.biggestByMemory.map(key).joined(separator: ","))],"
            + "\"biggest_by_length\":[\(model.biggestByLength.map(key).joined(separator: ","))],"
            + "\"hottest\":[\(model.hottest.map(key).joined(separator: ","))],"
            + "\"server_hotkeys\":\(serverHotkeys.map(json) ?? "null"),"
            + "\"biggest_by_type\":{\(model.biggestByType.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):\(key($0.value))" }.joined(separator: ","))},"
            + "\"top_by_type\":{\(model.topByType.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)):[\($0.value.map(key).joined(separator: ","))]" }.joined(separator: ","))},"
            + "\"namespaces\":[\(namespaces.joined(separator: ","))],"
            + "\"ttl_distribution\":{\(buckets.joined(separator: ","))},"
            + "\"expiry_peaks\":[\(peaks.joined(separator: ","))]}"
    }

    /// A `HOTKEYS` result as a JSON object.
    private func json(_ hotkeys: HotkeysReport) -> String {
        func ranking(_ entries: [HotkeysReport.Entry]) -> String {
            "["
                + entries.map { "{\"key\":\(JSONText.string(shown(raw: $0.key))),\"value\":\($0.value)}" }
                .joined(separator: ",") + "]"
        }
        return "{\"active\":\(hotkeys.isActive),"
            + "\"duration_ms\":\(hotkeys.durationMilliseconds.map { String($0) } ?? "null"),"
            + "\"sample_ratio\":\(hotkeys.sampleRatio.map { String($0) } ?? "null"),"
            + "\"by_cpu_time_us\":\(ranking(hotkeys.byCPUMicroseconds)),\"by_net_bytes\":\(ranking(hotkeys.byNetworkBytes))}"
    }

    private func row(_ cells: [String], widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index < widths.count {
                line +=
                    cell.count >= widths[index]
                    ? cell + " " : String(repeating: " ", count: widths[index] - cell.count) + cell + " "
            } else {
                line += " " + cell
            }
        }
        return line
    }

    private func ttl(_ milliseconds: Int64?) -> String {
        milliseconds.map { ValueFormatting.duration(seconds: Double($0) / 1000) } ?? "none"
    }
}
