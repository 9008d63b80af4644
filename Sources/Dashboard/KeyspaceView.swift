import Foundation
import Metrics
import Telemetry

/// View 5: what continuous key sampling found — the biggest keys, namespaces with estimated
/// totals and TTL habits, the TTL distribution, and the expiry waves of the next minutes.
enum KeyspaceView {
    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        let bands = area.rows([nil, max(8, area.height / 3)])
        let top = bands[0].columns([1, 1])
        let bottom = bands[1].columns([1, 2])
        guard let sampling = state.keyspace else {
            let inner = Panel(title: "Keyspace").draw(into: &screen, rect: area, glyphs: theme.glyphs)
            screen.put("key sampling has not reported yet", x: inner.x, y: inner.y, style: .muted)
            return
        }
        let model = sampling.model
        bigKeys(state, model, top[0], &screen, theme)
        namespaces(state, model, sampling, top[1], &screen, theme)
        ttlDistribution(model, bottom[0], &screen, theme)
        ExpiryWavePanel.draw(model, now: state.now, rect: bottom[1], screen: &screen, theme: theme)
    }

    private static func bigKeys(
        _ state: DashboardState, _ model: KeyspaceModel, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        var keys = model.biggestByMemory
        if !state.filter.isEmpty {
            keys = keys.filter { $0.displayName.localizedCaseInsensitiveContains(state.filter) }
        }
        let big = keys.filter(model.isBig).count
        let inner = Panel(
            title: "Biggest keys", note: big > 0 ? "\(big) over the big-key threshold" : nil,
            noteStyle: CellStyle(.warn)
        )
        .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        Table(
            columns: [
                Table.Column("memory", width: 7, alignRight: true), Table.Column("type", width: 6),
                Table.Column("TTL", width: 6, alignRight: true), Table.Column("key"),
            ],
            rows: keys.map { key in
                [
                    ValueFormatting.bytes(key.memoryBytes.map(Double.init)), key.type,
                    key.ttlMilliseconds.map { ValueFormatting.duration(seconds: Double($0) / 1000) } ?? "none",
                    key.displayName,
                ]
            },
            rowStyles: keys.map { CellStyle(model.isBig($0) ? .warn : .normal) },
            emptyText: state.filter.isEmpty ? "no key sizes yet (MEMORY USAGE)" : "no key matches '\(state.filter)'"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }

    private static func namespaces(
        _ state: DashboardState, _ model: KeyspaceModel, _ sampling: KeyspaceSampling, _ rect: Rect,
        _ screen: inout Screen,
        _ theme: Theme
    ) {
        var rows = Array(model.namespaces.values)
        if !state.filter.isEmpty { rows = rows.filter { $0.name.localizedCaseInsensitiveContains(state.filter) } }
        rows.sort { lhs, rhs in
            switch state.currentSort {
            case 1: return (lhs.sampledMemory, lhs.name) > (rhs.sampledMemory, rhs.name)
            case 2: return (lhs.shareWithoutTTL, lhs.sampledKeys) > (rhs.shareWithoutTTL, rhs.sampledKeys)
            case 3: return (lhs.ttlJitter ?? .infinity, lhs.name) < (rhs.ttlJitter ?? .infinity, rhs.name)
            default: return (lhs.sampledKeys, lhs.name) > (rhs.sampledKeys, rhs.name)
            }
        }
        var note = "pass \(sampling.passes + 1)"
        if let total = model.totalKeys, total > 0 {
            note +=
                " · \(ValueFormatting.count(Double(model.sampledKeys))) of \(ValueFormatting.count(Double(total))) keys"
        }
        note += " · sort: \(DashboardView.keyspace.sortOrders[state.currentSort])"
        let inner = Panel(title: "Namespaces", note: note).draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var body = inner
        for reason in sampling.unavailable.prefix(2) {
            screen.put(DisplayWidth.truncate(reason, to: body.width), x: body.x, y: body.y, style: CellStyle(.warn))
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        // Narrow panels keep the columns that matter most for TTL trouble.
        let wide = body.width >= 52
        var columns = [Table.Column("namespace"), Table.Column("keys~", width: 6, alignRight: true)]
        if wide { columns.append(Table.Column("mem~", width: 6, alignRight: true)) }
        columns.append(Table.Column("noTTL", width: 6, alignRight: true))
        if wide { columns.append(Table.Column("TTL", width: 5, alignRight: true)) }
        columns.append(Table.Column("jitter", width: 6, alignRight: true))
        let sortColumn: Int
        switch state.currentSort {
        case 1: sortColumn = wide ? 2 : 1
        case 2: sortColumn = wide ? 3 : 2
        case 3: sortColumn = columns.count - 1
        default: sortColumn = 1
        }
        Table(
            columns: columns,
            rows: rows.map { stats in
                var row = [stats.name, ValueFormatting.count(model.estimatedKeys(stats.name))]
                if wide { row.append(ValueFormatting.bytes(model.estimatedMemory(stats.name))) }
                row.append(ValueFormatting.percent(stats.shareWithoutTTL) + "%")
                if wide { row.append(stats.meanTTLSeconds.map { ValueFormatting.duration(seconds: $0) } ?? "-") }
                row.append(stats.ttlJitter.map { String(format: "%.2f", $0) } ?? "-")
                return row
            },
            rowStyles: rows.map { stats in
                // Keys written together with one TTL expire together: a stampede waiting to happen.
                if let jitter = stats.ttlJitter, jitter < 0.01 { return CellStyle(.crit) }
                return CellStyle(stats.shareWithoutTTL == 1 ? .muted : .normal)
            },
            sort: (sortColumn, state.currentSort != 3),
            selected: rows.isEmpty ? nil : min(state.selection, rows.count - 1),
            emptyText: state.filter.isEmpty ? "no keys sampled yet" : "no namespace matches '\(state.filter)'"
        ).draw(into: &screen, rect: body, glyphs: theme.glyphs)
    }

    private static func ttlDistribution(_ model: KeyspaceModel, _ rect: Rect, _ screen: inout Screen, _ theme: Theme) {
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
    static func draw(_ model: KeyspaceModel, now: Date, rect: Rect, screen: inout Screen, theme: Theme) {
        let forecast = model.expiryForecast(now: now)
        let peak = model.expiryPeaks(now: now, count: 1).first
        let horizon = ValueFormatting.duration(seconds: Double(model.configuration.horizonSeconds))
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
        let middle = "+" + ValueFormatting.duration(seconds: Double(model.configuration.horizonSeconds) / 2)
        screen.put(middle, x: inner.x + inner.width / 2 - middle.count / 2, y: axis, style: .muted)
    }
}
