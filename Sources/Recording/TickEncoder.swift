import Metrics
import Telemetry

/// Turns one node's ticks, in order, into records: a keyframe holds the whole tick, the others
/// only what changed since the tick before (values, labelled metrics, INFO fields, refusals) —
/// most gauges and INFO fields stay put from one second to the next. Each record is compressed
/// on its own (``Deflate``) so that any keyframe can be read without what came before it.
///
/// Names (series, labels, INFO fields) are written as numbers that `name` hands out; the same
/// numbers must read back to the same names (the store's `names` table).
struct TickEncoder {
    /// The tick the next record is a change from (`nil`: the next is a keyframe).
    private var base: NodeTick?
    /// The INFO of the newest tick that read INFO.
    private var baseInfo: [String: [String: String]] = [:]

    /// Forgets the base: the next record is a keyframe.
    mutating func reset() {
        base = nil
        baseInfo = [:]
    }

    /// Whether the next record would be a keyframe.
    var needsKeyframe: Bool { base == nil }

    /// The record of `tick`: a keyframe when `keyframe` or when there is no base.
    mutating func encode(_ tick: NodeTick, keyframe: Bool, name: (String) -> UInt64) -> [UInt8] {
        let previous = keyframe ? nil : base
        var writer = ByteWriter()
        var flags: UInt8 = previous == nil ? TickFlags.keyframe : 0
        if tick.failure != nil { flags |= TickFlags.failure }
        if tick.info != nil { flags |= TickFlags.info }
        if !tick.commandLog.isEmpty { flags |= TickFlags.commandLog }
        if tick.hotSlots != nil { flags |= TickFlags.hotSlots }
        writer.byte(flags)
        // The poll's exact time (the row's t_ms is it in whole milliseconds, for SQL).
        writer.number(tick.time)
        if let failure = tick.failure {
            writer.string(failure.kind.rawValue)
            writer.string(failure.message)
        }
        // Values: those that changed, then those gone since the base.
        let oldValues = previous?.values ?? [:]
        let changed = tick.values.filter { oldValues[$0.key] != $0.value }.sorted { $0.key < $1.key }
        writer.count(changed.count)
        for (key, value) in changed {
            writer.varint(name(key.name))
            writer.number(value)
        }
        let gone = oldValues.keys.filter { tick.values[$0] == nil }.sorted()
        writer.count(gone.count)
        for key in gone { writer.varint(name(key.name)) }
        // Labelled metrics: per metric, a delta of its labels, or gone.
        let oldInstances = previous?.instances ?? [:]
        var metrics = Set(tick.instances.keys).union(oldInstances.keys).sorted { $0.name < $1.name }
        metrics.removeAll { tick.instances[$0] == oldInstances[$0] }
        writer.count(metrics.count)
        for metric in metrics {
            writer.varint(name(metric.name))
            guard let values = tick.instances[metric] else {
                writer.byte(InstanceChange.gone.rawValue)
                continue
            }
            let old = oldInstances[metric] ?? [:]
            writer.byte(oldInstances[metric] == nil ? InstanceChange.whole.rawValue : InstanceChange.delta.rawValue)
            let changedLabels = values.filter { old[$0.key] != $0.value }.sorted { $0.key < $1.key }
            writer.count(changedLabels.count)
            for (label, value) in changedLabels {
                writer.varint(name(label))
                writer.number(value)
            }
            if oldInstances[metric] != nil {
                let goneLabels = old.keys.filter { values[$0] == nil }.sorted()
                writer.count(goneLabels.count)
                for label in goneLabels { writer.varint(name(label)) }
            }
        }
        // INFO: the fields that changed since the last INFO recorded (all of them in a keyframe).
        if let sections = tick.info {
            let old = previous == nil ? [:] : baseInfo
            var changed: [(name: String, value: String)] = []
            for (section, fields) in sections {
                let before = old[section]
                for (field, value) in fields where before?[field] != value {
                    changed.append((section + TickFlags.fieldSeparator + field, value))
                }
            }
            changed.sort { $0.name < $1.name }
            writer.count(changed.count)
            for (field, value) in changed {
                writer.varint(name(field))
                writer.string(value)
            }
            var gone: [String] = []
            for (section, fields) in old {
                let after = sections[section]
                for field in fields.keys where after?[field] == nil {
                    gone.append(section + TickFlags.fieldSeparator + field)
                }
            }
            gone.sort()
            writer.count(gone.count)
            for field in gone { writer.varint(name(field)) }
            baseInfo = sections
        } else if previous == nil {
            baseInfo = [:]
        }
        // Refusals: whole, when they changed.
        if previous == nil || previous?.unavailable != tick.unavailable {
            writer.byte(1)
            let parts = tick.unavailable.sorted { $0.key.rawValue < $1.key.rawValue }
            writer.count(parts.count)
            for (part, reason) in parts {
                writer.string(part.rawValue)
                writer.string(reason)
            }
        } else {
            writer.byte(0)
        }
        // New slow-log entries.
        writer.count(tick.slowlog.count)
        for entry in tick.slowlog {
            writer.signed(entry.id)
            writer.signed(Int64((entry.timestamp.timeIntervalSince1970 * 1000).rounded()))
            writer.signed(
                Int64(
                    entry.duration.components.seconds * 1_000_000 + entry.duration.components.attoseconds
                        / 1_000_000_000_000))
            writer.count(entry.arguments.count)
            for argument in entry.arguments { writer.data(argument) }
            writer.string(entry.clientAddress ?? "")
            writer.string(entry.clientName ?? "")
        }
        if !tick.commandLog.isEmpty { writer.count(tick.commandLog.count) }
        for entry in tick.commandLog {
            writer.string(entry.kind.rawValue)
            writer.signed(entry.id)
            writer.signed(entry.time)
            writer.signed(entry.bytes)
            writer.string(entry.command)
            writer.byte(entry.key == nil ? 0 : 1)
            if let key = entry.key { writer.data(key) }
            writer.string(entry.client)
        }
        if let ranking = tick.hotSlots { Self.write(ranking, namespaces: tick.slotNamespaces, into: &writer) }
        base = tick
        return Self.frame(writer.bytes)
    }

    /// A hot-slot ranking: each slot's figures (those absent marked in a bit set), the node's
    /// totals, and the namespaces of the slots looked up.
    private static func write(
        _ ranking: SlotActivity.Ranking, namespaces: [Int: [String: Int]], into writer: inout ByteWriter
    ) {
        writer.count(ranking.slots.count)
        for slot in ranking.slots {
            writer.count(slot.slot)
            writer.signed(slot.keys)
            let figures = [
                slot.cpuMicrosecondsPerSecond, slot.networkBytesInPerSecond, slot.networkBytesOutPerSecond,
                slot.cpuShare, slot.ownCpuMicrosecondsPerSecond,
            ]
            var present: UInt8 = 0
            for (bit, figure) in figures.enumerated() where figure != nil { present |= 1 << bit }
            writer.byte(present)
            for figure in figures { if let figure { writer.number(figure) } }
        }
        writer.byte(ranking.cpuMicrosecondsPerSecond == nil ? 0 : 1)
        if let total = ranking.cpuMicrosecondsPerSecond { writer.number(total) }
        writer.byte((ranking.keepsTraffic ? 1 : 0) | (ranking.isComplete ? 2 : 0))
        writer.count(ranking.ownedSlots)
        writer.count(namespaces.count)
        for (slot, counts) in namespaces.sorted(by: { $0.key < $1.key }) {
            writer.count(slot)
            writer.count(counts.count)
            for (namespace, keys) in counts.sorted(by: { $0.key < $1.key }) {
                writer.string(namespace)
                writer.count(keys)
            }
        }
    }

    /// The record as stored: its codec, its size, and the bytes (compressed when smaller).
    static func frame(_ raw: [UInt8]) -> [UInt8] {
        var header = ByteWriter()
        let compressed = Deflate.compress(raw)
        if compressed.count < raw.count {
            header.byte(TickFlags.deflated)
            header.count(raw.count)
            return header.bytes + compressed
        }
        header.byte(TickFlags.plain)
        return header.bytes + raw
    }
}

/// The bits and markers of a tick record.
enum TickFlags {
    static let keyframe: UInt8 = 1
    static let failure: UInt8 = 2
    static let info: UInt8 = 4
    static let commandLog: UInt8 = 8
    static let hotSlots: UInt8 = 16
    /// The record's first byte: how the rest is stored.
    static let plain: UInt8 = 0
    static let deflated: UInt8 = 1
    /// Between an INFO section's name and a field's, in a field's name.
    static let fieldSeparator = "\u{1F}"
}

/// How a labelled metric changed.
enum InstanceChange: UInt8 {
    /// No longer reported.
    case gone = 0
    /// Reported anew: every label follows.
    case whole = 1
    /// Labels changed and labels gone follow.
    case delta = 2
}
