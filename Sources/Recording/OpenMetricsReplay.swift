import Export
import Foundation
import Metrics

/// `cachewatch replay DIR --format openmetrics`: the recording as OpenMetrics text with a
/// timestamp on every sample, which `promtool tsdb create-blocks-from openmetrics` turns into
/// Prometheus blocks — history scaled out into Prometheus. The families and labels are those
/// `watch --listen` exposes (`cachewatch_hit_ratio{node=…}`, `…{node=…,namespace=…}`,
/// `cachewatch_db_keys{node=…,db=…}`), values in the exposed units; the server's raw INFO
/// counters are not part of it.
///
/// OpenMetrics wants each family's samples together: they are spooled per family into a
/// temporary directory while the ticks are read once, then written family by family.
public struct OpenMetricsReplay {
    /// The recording read.
    public let recording: Recording
    /// The first moment written (`nil`: the start).
    public var start: Double?
    /// The last moment written (`nil`: the end).
    public var end: Double?

    /// Creates a replay of `recording`.
    public init(recording: Recording) {
        self.recording = recording
    }

    private struct Family {
        var name: String
        var help: String
        var handle: FileHandle
        var path: String
        var buffer: [UInt8] = []
    }

    /// Writes the text through `output` in blocks of bytes; returns the samples written.
    ///
    /// - Throws: ``RecordingError`` when the recording cannot be read or the spool written.
    @discardableResult
    public func run(_ output: ([UInt8]) throws -> Void) throws -> Int {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cachewatch-openmetrics-\(UUID().uuidString)"
        ).path
        do {
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        } catch {
            throw RecordingError("cannot make a spool directory in \(spool): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: spool) }
        var families: [String: Family] = [:]
        var order: [String] = []
        var samples = 0
        func add(_ name: String, help: String, labels: String, value: Double, time: Double) throws {
            if families[name] == nil {
                let path = spool + "/\(order.count)"
                guard FileManager.default.createFile(atPath: path, contents: nil),
                    let handle = FileHandle(forWritingAtPath: path)
                else { throw RecordingError("cannot write the spool file \(path)") }
                families[name] = Family(name: name, help: help, handle: handle, path: path)
                order.append(name)
            }
            let line = "\(name){\(labels)} \(Self.number(value)) \(String(format: "%.3f", time))\n"
            families[name]?.buffer += line.utf8
            samples += 1
            if let family = families[name], family.buffer.count >= 1 << 16 {
                try family.handle.write(contentsOf: family.buffer)
                families[name]?.buffer.removeAll(keepingCapacity: true)
            }
        }
        do {
            for entry in try recording.ticks(from: start, to: end) {
                let node = "node=\"\(Self.escape(entry.node))\""
                let tick = entry.tick
                for (key, value) in tick.values.sorted(by: { $0.key < $1.key }) {
                    switch key {
                    case .metric(let metric):
                        try add(
                            PrometheusName.of(metric), help: metric.declaration.help, labels: node,
                            value: PrometheusName.value(value, of: metric), time: tick.time)
                    case .database(let index, let figure):
                        let name = figure == .keys ? "cachewatch_db_keys" : "cachewatch_db_keys_with_expiry"
                        try add(
                            name, help: "Keys\(figure == .keys ? "" : " with a TTL") in the database (INFO keyspace).",
                            labels: "\(node),db=\"\(index)\"", value: value, time: tick.time)
                    }
                }
                for (metric, values) in tick.instances.sorted(by: { $0.key.name < $1.key.name }) {
                    guard let label = metric.label else { continue }
                    for (instance, value) in values.sorted(by: { $0.key < $1.key }) {
                        try add(
                            PrometheusName.of(metric), help: metric.declaration.help,
                            labels: "\(node),\(label.rawValue)=\"\(Self.escape(instance))\"",
                            value: PrometheusName.value(value, of: metric), time: tick.time)
                    }
                }
            }
            for name in order {
                guard let family = families[name] else { continue }
                try family.handle.write(contentsOf: family.buffer)
                try family.handle.close()
            }
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError("cannot write the spool in \(spool): \(error.localizedDescription)")
        }
        for name in order {
            guard let family = families[name] else { continue }
            try output(Array("# HELP \(name) \(Self.escapeHelp(family.help))\n# TYPE \(name) gauge\n".utf8))
            guard let reader = FileHandle(forReadingAtPath: family.path) else { continue }
            defer { try? reader.close() }
            while let chunk = try? reader.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output(Array(chunk))
            }
        }
        try output(Array("# EOF\n".utf8))
        return samples
    }

    /// A number as OpenMetrics writes it.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A label value: backslash, quote and line feed escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    private static func escapeHelp(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\"", with: "\\\"")
    }
}
