import Foundation
import Metrics
import Telemetry

/// View 5: what continuous key sampling found — the biggest keys, namespaces with estimated
/// totals and TTL habits, the TTL distribution, and the expiry waves of the next minutes.
enum KeyspaceView {
    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        let bands = area.rows([nil, max(8, area.height / 3)])
        // With keyspace events, the namespaces table has three more columns: it takes more room.
        let counted = state.metrics?.instances(.namespaceEvictedPerSec) != nil
        let top = bands[0].columns(counted ? [2, 3] : [1, 1])
        // Once key lives are tracked, how each namespace's keys end gets a panel of its own.
        // Read once: live, it is computed from the node's key-life tracking.
        let keyEnds = state.keyEnds.flatMap { $0.rows.isEmpty ? nil : $0 }
        let ends = keyEnds != nil
        let bottom = bands[1].columns(ends ? [4, 11, 7] : [1, 2])
        // A profile (P) shares the left column with the biggest keys.
        let profiled = state.profile != nil || state.runningProfile?.node == state.node
        guard let model = state.keyspace else {
            if profiled {
                TrafficPanel.draw(state, rect: area, screen: &screen, theme: theme)
                return
            }
            let inner = Panel(title: "Keyspace").draw(into: &screen, rect: area, glyphs: theme.glyphs)
            screen.put("key sampling has not reported yet", x: inner.x, y: inner.y, style: .muted)
            return
        }
        if profiled {
            let left = top[0].rows([nil, top[0].height / 2])
            bigKeys(state, model, left[0], &screen, theme)
            TrafficPanel.draw(state, rect: left[1], screen: &screen, theme: theme)
        } else if HotKeysPanel.hasContent(state, model) && top[0].height >= 12 {
            // The server's own hot keys (HOTKEYS), or under an LFU policy the sampler's OBJECT
            // FREQ: the hottest keys share the column.
            let left = top[0].rows([nil, top[0].height / 2])
            bigKeys(state, model, left[0], &screen, theme)
            HotKeysPanel.draw(state, model, rect: left[1], screen: &screen, theme: theme)
        } else {
            bigKeys(state, model, top[0], &screen, theme)
        }
        namespaces(state, model, top[1], &screen, theme)
        ttlDistribution(model, bottom[0], &screen, theme)
        if let summary = keyEnds {
            KeyEndsPanel.draw(state, summary, rect: bottom[1], screen: &screen, theme: theme)
        }
        ExpiryWavePanel.draw(model, now: state.now, rect: bottom[bottom.count - 1], screen: &screen, theme: theme)
    }

    /// `all keys: string <2M · hash <32K · list <8` — each type's largest size bucket (its upper
    /// bound) over every database, from `INFO keysizes`.
    static func keySizesLine(_ sizes: KeySizeDistribution) -> String? {
        let names: [KeySizeDistribution.Kind: String] = [
            .strings: "string", .lists: "list", .sets: "set", .zsets: "zset", .hashes: "hash",
        ]
        let parts = KeySizeDistribution.Kind.allCases.compactMap { kind -> String? in
            guard let largest = sizes.largestBucket(of: [kind]) else { return nil }
            let top = Double(max(1, largest * 2))
            let text = kind.measuresBytes ? ValueFormatting.bytes(top) : ValueFormatting.count(top)
            return "\(names[kind] ?? kind.rawValue) <\(text)"
        }
        return parts.isEmpty ? nil : "all keys (INFO keysizes): " + parts.joined(separator: " · ")
    }

    /// `in traffic (COMMANDLOG): report:daily 2.00M reply · catalog:all 1.20M request` — the
    /// newest three keys of large requests and replies, biggest size each.
    static func commandLogLine(_ entries: [CommandLogEntry]) -> String? {
        var seen: [[UInt8]: (bytes: Int64, kind: CommandLogEntry.Kind)] = [:]
        var order: [[UInt8]] = []
        for entry in entries.reversed() {
            guard let key = entry.key else { continue }
            if let known = seen[key] {
                if entry.bytes > known.bytes { seen[key] = (entry.bytes, entry.kind) }
            } else {
                seen[key] = (entry.bytes, entry.kind)
                order.append(key)
            }
        }
        guard !order.isEmpty else { return nil }
        let parts = order.prefix(3).compactMap { key -> String? in
            guard let found = seen[key] else { return nil }
            let kind = found.kind == .largeReply ? "reply" : "request"
            return "\(KeyName.escaped(key)) \(ValueFormatting.bytes(Double(found.bytes))) \(kind)"
        }
        return "in traffic (COMMANDLOG): " + parts.joined(separator: " · ")
    }

    private static func bigKeys(
        _ state: DashboardState, _ model: KeyspaceFigures, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        var keys = model.biggestByMemoryForRuns
        if !state.filter.isEmpty {
            keys = keys.filter { $0.displayName.localizedCaseInsensitiveContains(state.filter) }
        }
        let big = keys.filter(model.isBig).count
        let inner = Panel(
            title: "Biggest keys", note: big > 0 ? "\(big) over the big-key threshold" : nil,
            noteStyle: CellStyle(.warn)
        )
        .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var body = inner
        // Redis 8+ keeps a histogram of every key's size: the largest of each type, without a scan.
        if let sizes = state.metrics?.lastInfo?.keySizes, let line = keySizesLine(sizes), body.height > 3 {
            screen.put(DisplayWidth.truncate(line, to: body.width), x: body.x, y: body.y, style: .muted)
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        // Valkey 8.1+ logs large requests and replies: big values seen in traffic.
        if let log = state.metrics?.commandLog, let line = commandLogLine(Array(log)), body.height > 3 {
            screen.put(DisplayWidth.truncate(line, to: body.width), x: body.x, y: body.y, style: CellStyle(.warn))
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        // Keys of one namespace of about one size in a row are one row (`page:* ×18`), as in scan.
        let runs = SameSizeRuns.of(keys, namespace: model.namespace(of:))
        func ttl(_ key: KeyMetadata) -> String {
            key.ttlMilliseconds.map { ValueFormatting.duration(seconds: Double($0) / 1000) } ?? "none"
        }
        Table(
            columns: [
                Table.Column("memory", width: 7, alignRight: true), Table.Column("type", width: 6),
                Table.Column("TTL", width: 6, alignRight: true), Table.Column("key"),
            ],
            rows: runs.map { run in
                let key = run[0]
                guard run.count > 1 else {
                    return [
                        ValueFormatting.bytes(key.memoryBytes.map(Double.init)), key.type, ttl(key), key.displayName,
                    ]
                }
                let ttls = Set(run.map(ttl))
                return [
                    "~" + ValueFormatting.bytes(SameSizeRuns.meanMemory(run)), key.type,
                    ttls.count == 1 ? ttl(key) : "mixed",
                    "\(run.count)× \(model.namespace(of: key)), "
                        + SameSizeRuns.sizeText(run) { ValueFormatting.bytes($0) },
                ]
            },
            rowStyles: runs.map { run in CellStyle(run.contains(where: model.isBig) ? .warn : .normal) },
            emptyText: state.filter.isEmpty ? "no key sizes yet (MEMORY USAGE)" : "no key matches '\(state.filter)'"
        ).draw(into: &screen, rect: body, glyphs: theme.glyphs)
    }

    /// A row of the namespaces table: a sampled namespace, or one seen only in keyspace events
    /// (its keys gone, say).
    private struct NamespaceRow {
        var name: String
        var stats: NamespaceStats?
        var evicted: Double?
        var expired: Double?
        var misses: Double?
    }

    private static func namespaces(
        _ state: DashboardState, _ model: KeyspaceFigures, _ rect: Rect,
        _ screen: inout Screen,
        _ theme: Theme
    ) {
        let node = state.metrics
        let eventMetrics: [Metric] = [.namespaceEvictedPerSec, .namespaceExpiredPerSec, .namespaceMissesPerSec]
        let counted = eventMetrics.contains { node?.instances($0) != nil }
        func rate(_ index: Int, _ name: String) -> Double? { node?.value(eventMetrics[index], instance: name) }
        var rows = model.namespaces.values.map(\.stats).map {
            NamespaceRow(
                name: $0.name, stats: $0, evicted: rate(0, $0.name), expired: rate(1, $0.name), misses: rate(2, $0.name)
            )
        }
        let eventOnly = Set(eventMetrics.flatMap { node?.instances($0)?.keys ?? [:].keys })
            .subtracting(model.namespaces.keys)
        rows += eventOnly.map {
            NamespaceRow(name: $0, stats: nil, evicted: rate(0, $0), expired: rate(1, $0), misses: rate(2, $0))
        }
        if !state.filter.isEmpty { rows = rows.filter { $0.name.localizedCaseInsensitiveContains(state.filter) } }
        let keys = { (row: NamespaceRow) in Double(row.stats?.sampledKeys ?? 0) }
        rows.sort { lhs, rhs in
            switch state.currentSort {
            case 1: return (lhs.stats?.sampledMemory ?? 0, lhs.name) > (rhs.stats?.sampledMemory ?? 0, rhs.name)
            case 2:
                return (lhs.stats?.shareWithoutTTL ?? 0, keys(lhs)) > (rhs.stats?.shareWithoutTTL ?? 0, keys(rhs))
            case 3:
                return (lhs.stats?.ttlJitter ?? .infinity, lhs.name) < (rhs.stats?.ttlJitter ?? .infinity, rhs.name)
            case 4: return (lhs.evicted ?? 0, keys(lhs), lhs.name) > (rhs.evicted ?? 0, keys(rhs), rhs.name)
            case 5: return (lhs.misses ?? 0, keys(lhs), lhs.name) > (rhs.misses ?? 0, keys(rhs), rhs.name)
            default: return (keys(lhs), lhs.name) > (keys(rhs), rhs.name)
            }
        }
        var note: String
        if let dump = state.keyspaceDump {
            // The whole keyspace as the node's dump has it, and how old that is.
            let file = (dump.path as NSString).lastPathComponent
            note =
                "\(file), saved \(ValueFormatting.duration(seconds: max(0, state.now.timeIntervalSince(dump.savedAt)))) ago"
                + " · \(ValueFormatting.count(Double(model.totalKeys ?? Int64(model.sampledKeys)))) keys"
        } else {
            note = "pass \(model.passes + 1)"
            if let total = model.totalKeys, total > 0 {
                note +=
                    " · \(ValueFormatting.count(Double(model.sampledKeys))) of \(ValueFormatting.count(Double(total))) keys"
            }
        }
        note += " · sort: \(DashboardView.keyspace.sortOrders[state.currentSort])"
        let inner = Panel(title: "Namespaces", note: note).draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var body = inner
        var warnings = model.unavailable.prefix(2).map { ($0, StyleRole.warn) }
        if case .off(let flags, let wanted)? = state.keyEvents {
            warnings.append(
                (
                    "events off: \(flags.enablingCommand(wanted))",
                    .muted
                ))
        }
        // Why sampling is off matters more than a row of the table: two lines each if needed.
        for (text, role) in warnings {
            let lines = DisplayWidth.wrap(text, to: body.width, maxLines: body.height > 8 ? 2 : 1)
            for line in lines {
                screen.put(line, x: body.x, y: body.y, style: CellStyle(role))
                body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
            }
        }
        // Narrow panels keep the columns that matter most; with keyspace events, their rates
        // (and a trend of evictions + misses) come before memory and TTL.
        var columns = [Table.Column("namespace"), Table.Column("keys~", width: 6, alignRight: true)]
        var cells: [(NamespaceRow) -> String] = [
            { $0.name }, { row in row.stats == nil ? "-" : ValueFormatting.count(model.estimatedKeys(row.name)) },
        ]
        var sortColumn = 1
        func add(_ column: Table.Column, sort: Int? = nil, _ cell: @escaping (NamespaceRow) -> String) {
            if sort == state.currentSort { sortColumn = columns.count }
            columns.append(column)
            cells.append(cell)
        }
        let showsMemory = counted ? body.width >= 90 : body.width >= 52
        if showsMemory {
            add(Table.Column("mem~", width: 6, alignRight: true), sort: 1) { row in
                row.stats == nil ? "-" : ValueFormatting.bytes(model.estimatedMemory(row.name))
            }
        }
        // In a narrow panel, the event rates take the place of the TTL habits.
        let showsTTLHabits = !counted || body.width >= 64
        if showsTTLHabits {
            add(Table.Column("noTTL", width: 6, alignRight: true), sort: 2) { row in
                row.stats.map { ValueFormatting.percent($0.shareWithoutTTL) + "%" } ?? "-"
            }
        }
        if showsMemory {
            add(Table.Column("TTL", width: 5, alignRight: true)) { row in
                row.stats?.meanTTLSeconds.map { ValueFormatting.duration(seconds: $0) } ?? "-"
            }
        }
        if showsTTLHabits {
            add(Table.Column("jitter", width: 6, alignRight: true), sort: 3) { row in
                row.stats?.ttlJitter.map { String(format: "%.2f", $0) } ?? "-"
            }
        }
        if counted {
            add(Table.Column("evict/s", width: 7, alignRight: true), sort: 4) { ValueFormatting.count($0.evicted) }
            add(Table.Column("exp/s", width: 7, alignRight: true)) { ValueFormatting.count($0.expired) }
            add(Table.Column("miss/s", width: 7, alignRight: true), sort: 5) { ValueFormatting.count($0.misses) }
            if body.width >= 64 {
                // One scale for every row: the rows' heights compare.
                let trends = state.namespaceTrends.mapValues { Array($0.suffix(8)) }
                let top = trends.values.flatMap { $0 }.max() ?? 0
                let glyphs = theme.glyphs
                add(Table.Column("trend", width: 8)) { row in
                    Sparkline.text(trends[row.name] ?? [], maximum: top, glyphs: glyphs)
                }
            }
        }
        // Namespaces a firing alert names (CriticalKeysEvicted, ExpiryWave, …) stand out.
        let alerted = Set(
            (state.alerts?.firing ?? []).filter { $0.labels["node"] == state.node }.compactMap {
                $0.labels["namespace"]
            })
        Table(
            columns: columns,
            rows: rows.map { row in cells.map { $0(row) } },
            rowStyles: rows.map { row in
                // A namespace an alert names, and keys written together with one TTL (expiring
                // together: a stampede waiting to happen), stand out.
                if alerted.contains(row.name) { return CellStyle(.crit) }
                if let jitter = row.stats?.ttlJitter, jitter < 0.01 { return CellStyle(.crit) }
                if (row.evicted ?? 0) > 0 { return CellStyle(.warn) }
                return CellStyle(row.stats?.shareWithoutTTL == 1 ? .muted : .normal)
            },
            sort: (sortColumn, state.currentSort != 3),
            selected: rows.isEmpty ? nil : min(state.selection, rows.count - 1),
            emptyText: state.filter.isEmpty ? "no keys sampled yet" : "no namespace matches '\(state.filter)'"
        ).draw(into: &screen, rect: body, glyphs: theme.glyphs)
    }

    private static func ttlDistribution(_ model: KeyspaceFigures, _ rect: Rect, _ screen: inout Screen, _ theme: Theme)
    {
        let inner = Panel(title: "TTL distribution").draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var lines = LineWriter(rect: inner)
        let total = max(1, model.sampledKeys)
        for bucket in TTLBucket.allCases {
            guard let line = lines.next() else { break }
            let share = Double(model.ttlBuckets[bucket] ?? 0) / Double(total)
            screen.put(bucket.label, x: line.x, y: line.y, style: .muted, maxWidth: 7)
            let percent = ValueFormatting.percent(share) + "%"
            let barWidth = max(0, line.width - 8 - 7)
            let filled = Int((share * Double(barWidth)).rounded())
            let role: StyleRole = bucket == .none ? .warn : .graph
            screen.put(
                String(repeating: String(theme.glyphs.gaugeFull), count: filled), x: line.x + 7, y: line.y,
                style: CellStyle(role))
            screen.putRight(percent, x: line.x, y: line.y, width: line.width, style: .normal)
        }
    }
}

/// The expiry-wave forecast as a histogram over the horizon, with its biggest wave.
enum ExpiryWavePanel {
    static func draw(_ model: KeyspaceFigures, now: Date, rect: Rect, screen: inout Screen, theme: Theme) {
        let forecast = model.expiryForecast(now: now)
        let peak = model.expiryPeaks(now: now, count: 1).first
        let horizon = ValueFormatting.duration(seconds: Double(model.horizonSeconds))
        let note = peak.map {
            "peak ~\(ValueFormatting.count($0.keys)) keys in \(ValueFormatting.duration(seconds: Double($0.secondsFromNow)))"
        }
        let role: StyleRole = (peak?.keys ?? 0) >= 1000 ? .crit : (peak?.keys ?? 0) >= 100 ? .warn : .normal
        let inner = Panel(title: "Expiry waves, next \(horizon)", note: note, noteStyle: CellStyle(role, bold: true))
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        guard inner.height >= 2 else { return }
        let graph = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
        let points = max(1, graph.width * (theme.glyphs.braille ? 2 : 1))
        // Each point is the busiest second of its slice: a one-second wave keeps its height.
        let slice = Double(forecast.count) / Double(points)
        let values: [Double?] = (0..<points).map { point in
            let start = Int(Double(point) * slice)
            let end = max(start + 1, Int(Double(point + 1) * slice))
            return forecast[start..<min(end, forecast.count)].max()
        }
        BrailleGraph(
            values: values, maximum: max(1, values.compactMap { $0 }.max() ?? 1), style: CellStyle(.graphAlternate)
        )
        .draw(into: &screen, rect: graph, glyphs: theme.glyphs)
        let axis = inner.y + inner.height - 1
        screen.put("now", x: inner.x, y: axis, style: .muted)
        screen.putRight("+\(horizon)", x: inner.x, y: axis, width: inner.width, style: .muted)
        let middle = "+" + ValueFormatting.duration(seconds: Double(model.horizonSeconds) / 2)
        screen.put(middle, x: inner.x + inner.width / 2 - middle.count / 2, y: axis, style: .muted)
    }
}
