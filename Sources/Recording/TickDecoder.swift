import Foundation
import Metrics
import Telemetry

/// Reads one node's records back into ticks, in the order they were written, from a keyframe
/// on (see ``TickEncoder``). A record that does not read — damaged, or a change with no tick
/// before it — throws; the reader then waits for the next keyframe.
struct TickDecoder {
    private var base: NodeTick?
    /// Whether the base holds its values alone (read with `valuesOnly`): only a keyframe, or
    /// another values-only read, can follow.
    private var baseIsPartial = false
    /// The INFO of the newest tick that read INFO.
    private var baseInfo: [String: [String: String]] = [:]

    /// Forgets the base: only a keyframe reads next.
    mutating func reset() {
        base = nil
        baseIsPartial = false
        baseInfo = [:]
    }

    /// Whether a record is a keyframe, read from its bytes without decoding the rest.
    static func isKeyframe(_ record: [UInt8]) -> Bool {
        guard let raw = try? unframe(record), let flags = raw.first else { return false }
        return flags & TickFlags.keyframe != 0
    }

    /// The tick of `record`; `names` reads the names' numbers back. With `valuesOnly`, only
    /// its time, failure and series values are read (history for graphs, read fast); a full
    /// read after values-only ones must start at a keyframe.
    mutating func decode(
        _ record: [UInt8], names: TickNames, valuesOnly: Bool = false
    ) throws(RecordingError)
        -> NodeTick
    {
        var reader = ByteReader(try Self.unframe(record))
        let flags = try reader.byte()
        let keyframe = flags & TickFlags.keyframe != 0
        guard keyframe || base != nil else { throw RecordingError("a change record with no keyframe before it") }
        guard keyframe || valuesOnly || !baseIsPartial else {
            throw RecordingError("a full read of a change record after values-only ones")
        }
        let previous = keyframe ? nil : base
        var tick = NodeTick(time: try reader.number())
        if flags & TickFlags.failure != 0 {
            let kind = try reader.string()
            let message = try reader.string()
            tick.failure = PollFailure(kind: PollFailure.Kind(rawValue: kind) ?? .connection, message: message)
        }
        var values = previous?.values ?? [:]
        for _ in 0..<(try reader.count()) {
            let key = try names.seriesKey(try reader.varint())
            values[key] = try reader.number()
        }
        for _ in 0..<(try reader.count()) { values[try names.seriesKey(try reader.varint())] = nil }
        tick.values = values
        if valuesOnly {
            base = tick
            baseIsPartial = true
            return tick
        }
        baseIsPartial = false
        var instances = previous?.instances ?? [:]
        for _ in 0..<(try reader.count()) {
            let metric = try names.metric(try reader.varint())
            switch InstanceChange(rawValue: try reader.byte()) {
            case .gone: instances[metric] = nil
            case .whole:
                var labels: [String: Double] = [:]
                for _ in 0..<(try reader.count()) {
                    labels[try names.string(try reader.varint())] = try reader.number()
                }
                instances[metric] = labels
            case .delta:
                var labels = instances[metric] ?? [:]
                for _ in 0..<(try reader.count()) {
                    labels[try names.string(try reader.varint())] = try reader.number()
                }
                for _ in 0..<(try reader.count()) { labels[try names.string(try reader.varint())] = nil }
                instances[metric] = labels
            case nil: throw RecordingError("a tick record is damaged: an unknown change of \(metric.name)")
            }
        }
        tick.instances = instances
        if flags & TickFlags.info != 0 {
            var sections = keyframe ? [:] : baseInfo
            for _ in 0..<(try reader.count()) {
                let (section, field) = try names.field(try reader.varint())
                sections[section, default: [:]][field] = try reader.string()
            }
            for _ in 0..<(try reader.count()) {
                let (section, field) = try names.field(try reader.varint())
                sections[section]?[field] = nil
                if sections[section]?.isEmpty == true { sections[section] = nil }
            }
            baseInfo = sections
            tick.info = sections
        } else if keyframe {
            baseInfo = [:]
        }
        if try reader.byte() == 1 {
            var unavailable: [PollPart: String] = [:]
            for _ in 0..<(try reader.count()) {
                let part = try reader.string()
                let reason = try reader.string()
                if let known = PollPart(rawValue: part) { unavailable[known] = reason }
            }
            tick.unavailable = unavailable
        } else {
            tick.unavailable = previous?.unavailable ?? [:]
        }
        for _ in 0..<(try reader.count()) {
            let id = try reader.signed()
            let milliseconds = try reader.signed()
            let micros = try reader.signed()
            var arguments: [[UInt8]] = []
            for _ in 0..<(try reader.count()) { arguments.append(try reader.data()) }
            let address = try reader.string()
            let client = try reader.string()
            tick.slowlog.append(
                SlowlogEntry(
                    id: id, timestamp: Date(timeIntervalSince1970: Double(milliseconds) / 1000),
                    duration: .microseconds(micros), arguments: arguments,
                    clientAddress: address.isEmpty ? nil : address, clientName: client.isEmpty ? nil : client))
        }
        if flags & TickFlags.commandLog != 0 {
            for _ in 0..<(try reader.count()) {
                let kind = try reader.string()
                guard let known = CommandLogEntry.Kind(rawValue: kind) else {
                    throw RecordingError("a tick record is damaged: an unknown command log \(kind)")
                }
                let id = try reader.signed()
                let time = try reader.signed()
                let bytes = try reader.signed()
                let command = try reader.string()
                let key = try reader.byte() == 1 ? try reader.data() : nil
                tick.commandLog.append(
                    CommandLogEntry(
                        kind: known, id: id, time: time, bytes: bytes, command: command, key: key,
                        client: try reader.string()))
            }
        }
        if flags & TickFlags.hotSlots != 0 { (tick.hotSlots, tick.slotNamespaces) = try Self.hotSlots(&reader) }
        guard reader.isAtEnd else { throw RecordingError("a tick record is damaged: bytes after its end") }
        base = tick
        return tick
    }

    /// A hot-slot ranking as ``TickEncoder`` wrote it.
    private static func hotSlots(
        _ reader: inout ByteReader
    ) throws(RecordingError) -> (
        SlotActivity.Ranking, [Int: [String: Int]]
    ) {
        var slots: [SlotActivity.Slot] = []
        for _ in 0..<(try reader.count()) {
            let number = Int(clamping: try reader.varint())
            let keys = try reader.signed()
            let present = try reader.byte()
            var figures: [Double?] = []
            for bit in 0..<5 { figures.append(present & (1 << bit) != 0 ? try reader.number() : nil) }
            slots.append(
                SlotActivity.Slot(
                    slot: number, keys: keys, cpuMicrosecondsPerSecond: figures[0], networkBytesInPerSecond: figures[1],
                    networkBytesOutPerSecond: figures[2], cpuShare: figures[3], ownCpuMicrosecondsPerSecond: figures[4])
            )
        }
        let total = try reader.byte() == 1 ? try reader.number() : nil
        let marks = try reader.byte()
        let owned = Int(clamping: try reader.varint())
        var namespaces: [Int: [String: Int]] = [:]
        for _ in 0..<(try reader.count()) {
            let slot = Int(clamping: try reader.varint())
            var counts: [String: Int] = [:]
            for _ in 0..<(try reader.count()) { counts[try reader.string()] = Int(clamping: try reader.varint()) }
            namespaces[slot] = counts
        }
        let ranking = SlotActivity.Ranking(
            slots: slots, cpuMicrosecondsPerSecond: total, keepsTraffic: marks & 1 != 0, ownedSlots: owned,
            isComplete: marks & 2 != 0)
        return (ranking, namespaces)
    }

    /// The record's bytes, decompressed.
    static func unframe(_ record: [UInt8]) throws(RecordingError) -> [UInt8] {
        var reader = ByteReader(record)
        switch try reader.byte() {
        case TickFlags.plain: return Array(record.dropFirst())
        case TickFlags.deflated:
            let size = Int(clamping: try reader.varint())
            guard let raw = Deflate.decompress(Array(record[reader.offset...]), count: size) else {
                throw RecordingError("a tick record is damaged: it does not decompress")
            }
            return raw
        default: throw RecordingError("a tick record is damaged: an unknown codec")
        }
    }
}
