import Metrics

/// The names a store's tick records refer to by number, read back once each: as text, as a
/// series, a metric or an INFO section and field (the parsing done once per name, not per
/// tick — a day of five nodes reads millions of them).
final class TickNames {
    private var names: [Int64: String]
    private var seriesKeys: [UInt64: SeriesKey] = [:]
    private var metrics: [UInt64: Metric] = [:]
    private var fields: [UInt64: (section: String, field: String)] = [:]

    /// Names by number.
    init(_ names: [Int64: String]) { self.names = names }

    /// Adds names written since (a recording being written).
    func merge(_ more: [Int64: String]) { names.merge(more) { old, _ in old } }

    /// The name numbered `id`.
    func string(_ id: UInt64) throws(RecordingError) -> String {
        guard let name = names[Int64(bitPattern: id)] else {
            throw RecordingError("a tick record names #\(id), which the store does not hold")
        }
        return name
    }

    /// The series numbered `id`.
    func seriesKey(_ id: UInt64) throws(RecordingError) -> SeriesKey {
        if let known = seriesKeys[id] { return known }
        let name = try string(id)
        guard let key = SeriesKey(name: name) else { throw RecordingError("an unknown series \(name)") }
        seriesKeys[id] = key
        return key
    }

    /// The labelled metric numbered `id`.
    func metric(_ id: UInt64) throws(RecordingError) -> Metric {
        if let known = metrics[id] { return known }
        let name = try string(id)
        guard let metric = Metric(name: name) else { throw RecordingError("an unknown metric \(name)") }
        metrics[id] = metric
        return metric
    }

    /// The INFO section and field numbered `id` (`section␟field`).
    func field(_ id: UInt64) throws(RecordingError) -> (section: String, field: String) {
        if let known = fields[id] { return known }
        let name = try string(id)
        guard let separator = name.range(of: TickFlags.fieldSeparator) else {
            throw RecordingError("an INFO field without its section: \(name)")
        }
        let parts = (String(name[..<separator.lowerBound]), String(name[separator.upperBound...]))
        fields[id] = parts
        return parts
    }
}
