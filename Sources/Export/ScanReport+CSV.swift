import CSV
import Foundation
import Metrics
import Telemetry

extension ScanReport {
    /// The CSV header: one table for every section of the report, a `section` column first.
    static let csvHeader = [
        "section", "name", "type", "memory_bytes", "length", "ttl_ms", "estimated_keys", "estimated_memory_bytes",
        "share_without_ttl", "mean_ttl_seconds", "ttl_jitter", "seconds_from_now", "share",
    ]

    /// The report as CSV (RFC 4180 quoting by CSV.swift). Sections: `key` (biggest by memory),
    /// `type_biggest`, `namespace`, `ttl_bucket`, `expiry_peak`. Key names appear in their
    /// escaped display form; a text cell a spreadsheet would run as a formula (leading `=`,
    /// `+`, `-`, `@`, tab or CR) gets a leading `'`.
    public func csv() throws -> String {
        let writer = try CSVWriter(stream: .toMemory())
        try writer.write(row: Self.csvHeader)
        func row(_ section: String, _ name: String, _ values: [String: String]) throws {
            try writer.write(
                row: [section, CSVCell.neutralized(name)] + Self.csvHeader.dropFirst(2).map { values[$0] ?? "" })
        }
        func key(_ section: String, _ key: KeyMetadata) throws {
            try row(
                section, shown(key),
                [
                    "type": CSVCell.neutralized(key.type), "memory_bytes": key.memoryBytes.map { String($0) } ?? "",
                    "length": key.length.map { String($0) } ?? "",
                    "ttl_ms": key.ttlMilliseconds.map { String($0) } ?? "",
                ])
        }
        for biggest in model.biggestByMemory { try key("key", biggest) }
        for (_, biggest) in model.biggestByType.sorted(by: { $0.key < $1.key }) { try key("type_biggest", biggest) }
        for stats in model.namespacesByKeys {
            try row(
                "namespace", shown(namespace: stats.name),
                [
                    "estimated_keys": JSONText.number(model.estimatedKeys(stats.name)),
                    "estimated_memory_bytes": JSONText.number(model.estimatedMemory(stats.name)),
                    "share_without_ttl": JSONText.number(stats.shareWithoutTTL),
                    "mean_ttl_seconds": stats.meanTTLSeconds.map(JSONText.number) ?? "",
                    "ttl_jitter": stats.ttlJitter.map(JSONText.number) ?? "",
                ])
        }
        for bucket in TTLBucket.allCases {
            let count = model.ttlBuckets[bucket] ?? 0
            try row(
                "ttl_bucket", bucket.label,
                [
                    "estimated_keys": JSONText.number(Double(count) * (model.isExhaustive ? 1 : model.scale)),
                    "share": JSONText.number(model.sampledKeys > 0 ? Double(count) / Double(model.sampledKeys) : 0),
                ])
        }
        for peak in model.expiryPeaks(now: finishedAt) {
            try row(
                "expiry_peak", "",
                [
                    "seconds_from_now": String(peak.secondsFromNow), "estimated_keys": JSONText.number(peak.keys),
                ])
        }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Protection against CSV injection: spreadsheets run cells that start with `=`, `+`, `-`, `@`,
/// tab or CR as formulas.
public enum CSVCell {
    /// `text` with a leading `'` when a spreadsheet would treat it as a formula.
    public static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }
}
