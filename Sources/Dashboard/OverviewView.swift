import Foundation
import Metrics
import Telemetry

/// View 1: is the cache healthy? Hit ratio, traffic, evictions and expiries over time;
/// memory against its limit; latency; the newest slow commands; the keyspace.
enum OverviewView {
    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        let bottomHeight = max(7, area.height / 4)
        let bands = area.rows([nil, nil, bottomHeight])
        let top = bands[0].columns([1, 1])
        let middle = bands[1].columns([1, 1])
        let bottom = bands[2].columns([3, 2])
        guard let node = state.metrics else {
            Panel(title: "Waiting for the first poll").draw(into: &screen, rect: area, glyphs: theme.glyphs)
            return
        }
        hitRatio(state, node, top[0], &screen, theme)
        operations(state, node, top[1], &screen, theme)
        evictionsAndExpiries(state, node, middle[0], &screen, theme)
        memoryAndClients(state, node, middle[1], &screen, theme)
        SlowlogPanel.draw(state, node, bottom[0], &screen, theme)
        latencyAndKeyspace(state, node, bottom[1], &screen, theme)
    }

    private static func points(_ rect: Rect, _ theme: Theme) -> Int {
        max(1, (rect.width - 2) * (theme.glyphs.braille ? 2 : 1))
    }

    private static func hitRatio(
        _ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let now = node.latest(.hitRatio)
        let life = node.latest(.hitRatioLifetime)
        let note = "now \(percent(now))  life \(percent(life))"
        let inner = Panel(title: "Hit ratio", note: note, noteStyle: CellStyle(role(forHitRatio: now), bold: true))
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        let window = SeriesWindow(
            node: node, metric: .hitRatio, seconds: state.windowSeconds, points: points(rect, theme))
        BrailleGraph(values: window.values, failed: window.failed, maximum: 1, style: CellStyle(.graph))
            .draw(into: &screen, rect: inner, glyphs: theme.glyphs)
        if window.values.allSatisfy({ $0 == nil }) && !window.failed.contains(true) {
            screen.put("no key lookups yet", x: inner.x + 1, y: inner.y, style: .muted, maxWidth: inner.width - 1)
        }
    }

    private static func operations(
        _ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let window = SeriesWindow(
            node: node, metric: .opsPerSec, seconds: state.windowSeconds, points: points(rect, theme))
        let peak = window.maximum
        let ops = node.latest(.opsPerSec)
        // The usual level the surge ratio compares with (ops/s ÷ the ratio).
        let ratio = node.latest(.opsSurgeRatio)
        let usual = ratio.flatMap { ratio in ops.map { ratio > 0 ? $0 / ratio : 0 } }
        var note = "now \(ValueFormatting.count(ops))/s  peak \(ValueFormatting.count(peak))"
        if let ratio, ratio >= 2 { note += "  ×\(ValueFormatting.plain(ratio.rounded())) usual" }
        let surging = (ratio ?? 0) >= 5
        let inner = Panel(title: "Ops/s", note: note, noteStyle: CellStyle(surging ? .crit : .normal, bold: true))
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        let top = max(peak ?? 1, usual ?? 0) * 1.1
        BrailleGraph(values: window.values, failed: window.failed, maximum: top, style: CellStyle(.graph))
            .draw(into: &screen, rect: inner, glyphs: theme.glyphs)
        // The usual level marked at its height, on the left (the oldest points: the newest stay seen).
        if let usual, usual > 0, inner.height >= 3, inner.width >= 20, top > 0 {
            // Where it comes from, when history gave it (the same time a week or a day ago).
            let reference = node.surgeReference(for: .opsSurgeRatio).flatMap { $0.period == nil ? nil : $0 }
            let label = " usual \(ValueFormatting.count(usual))/s\(reference.map { " (\($0.rawValue))" } ?? "") "
            let row =
                inner.y + inner.height - 1
                - min(inner.height - 1, Int((usual / top * Double(inner.height)).rounded(.down)))
            screen.put(label, x: inner.x, y: row, style: .muted)
        }
    }

    private static func evictionsAndExpiries(
        _ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let evicted = node.latest(.evictedPerSec)
        let note = "\(ValueFormatting.count(evicted))/s · \(ValueFormatting.count(node.latest(.expiredPerSec)))/s"
        let inner = Panel(
            title: "Evicted & expired", note: note,
            noteStyle: CellStyle((evicted ?? 0) > 0 ? .warn : .normal, bold: true)
        )
        .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        // The last line says who is being evicted (keyspace events), or how to find out.
        let victims = victimsLine(state, node)
        let graphs =
            victims == nil || inner.height < 5
            ? inner : Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
        if let victims, graphs.height < inner.height {
            var line = LineWriter(
                rect: Rect(x: inner.x, y: inner.y + inner.height - 1, width: inner.width, height: 1))
            line.write(&screen, victims)
        }
        let halves = graphs.rows([nil, nil])
        for (index, metric) in [Metric.evictedPerSec, Metric.expiredPerSec].enumerated() {
            let half = halves[index]
            let window = SeriesWindow(
                node: node, metric: metric, seconds: state.windowSeconds, points: points(rect, theme))
            let style = CellStyle(index == 0 ? .crit : .graphAlternate)
            BrailleGraph(
                values: window.values, failed: window.failed, maximum: max(1, (window.maximum ?? 1) * 1.1), style: style
            )
            .draw(into: &screen, rect: half, glyphs: theme.glyphs)
            let label = index == 0 ? "evicted/s" : "expired/s"
            screen.put(" \(label) ", x: half.x, y: half.y, style: .muted)
        }
    }

    /// The namespaces that take the evictions now (from keyspace events), the loss of events if
    /// any, or what stands in the way of knowing: events off (with the setting that turns them
    /// on), refused, interrupted. `nil` when events were not asked for.
    static func victimsLine(_ state: DashboardState, _ node: NodeMetrics) -> [(String, StyleRole)]? {
        switch state.keyEvents {
        case nil:
            return nil
        case .subscribed?:
            let evicted = (node.instances(.namespaceEvictedPerSec) ?? [:]).filter { $0.value > 0 }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var pieces: [(String, StyleRole)] = [(" victims ", .muted)]
            if evicted.isEmpty {
                pieces.append(("none", .muted))
            } else {
                for (index, entry) in evicted.prefix(3).enumerated() {
                    if index > 0 { pieces.append((" · ", .muted)) }
                    pieces.append((entry.key, .warn))
                    pieces.append((" \(ValueFormatting.count(entry.value))/s", .normal))
                }
            }
            if let dropped = node.latest(.eventsDroppedPerSec), dropped > 0 {
                pieces.append(("  lost \(ValueFormatting.count(dropped))/s", .crit))
            }
            return pieces
        case .off(let flags, let wanted)?:
            return [
                (" events off · ", .muted),
                (flags.enablingCommand(wanted), .warn),
            ]
        case .refused(let reason)?:
            return [(" per namespace: \(reason)", .muted)]
        case .interrupted?:
            return [(" per namespace: event subscription interrupted, reconnecting", .warn)]
        case .settingChanged?:
            return nil
        }
    }

    private static func memoryAndClients(
        _ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let info = node.lastInfo
        let inner = Panel(title: "Memory & clients").draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var lines = LineWriter(rect: inner)
        let used = node.latest(.usedMemoryBytes)
        let limit = info?.memory.maxmemory ?? 0
        if limit > 0, let ratioRect = lines.next() {
            Gauge(ratio: node.latest(.memoryUsedRatio), warnAt: 0.8, critAt: 0.9).draw(
                into: &screen, rect: ratioRect, glyphs: theme.glyphs)
            var parts: [(String, StyleRole)] = [
                ("used ", .muted), (bytes(used), .normal), (" of ", .muted), (bytes(Double(limit)), .normal),
            ]
            // Where memory grows: when it will be full at its trend.
            if let eta = node.latest(.memoryFullEtaSeconds) {
                parts += [
                    ("  full in ~", .muted),
                    (ValueFormatting.duration(seconds: eta), eta < 300 ? .crit : eta < 900 ? .warn : .normal),
                ]
            }
            lines.write(&screen, parts)
        } else {
            lines.write(&screen, [("used ", .muted), (bytes(used), .normal), ("  no maxmemory limit", .muted)])
        }
        let fragmentation = node.latest(.fragmentationRatio)
        let fragmentationRole: StyleRole = (fragmentation ?? 1) > 1.5 || (fragmentation ?? 1) < 0.9 ? .warn : .normal
        lines.write(
            &screen,
            [
                ("rss ", .muted), (bytes(node.latest(.rssBytes)), .normal), ("  frag ", .muted),
                (ValueFormatting.ratio(fragmentation), fragmentationRole),
            ])
        if let policy = info?.memory.maxmemoryPolicy {
            var parts: [(String, StyleRole)] = [
                ("policy ", .muted), (policy.name, policy == .noEviction ? .warn : .normal),
            ]
            // The main thread's CPU against its one core.
            if let cpu = node.latest(.mainThreadCPURatio) {
                parts += [
                    ("  main thread ", .muted),
                    (ValueFormatting.percent(cpu) + "%", cpu >= 0.9 ? .crit : cpu >= 0.7 ? .warn : .normal),
                ]
            }
            lines.write(&screen, parts)
        }
        let rejected = node.latest(.rejectedConnectionsPerSec)
        lines.write(
            &screen,
            [
                ("clients ", .muted), (ValueFormatting.count(node.latest(.clientsConnected)), .normal),
                ("  blocked ", .muted),
                (
                    ValueFormatting.count(node.latest(.clientsBlocked)),
                    (node.latest(.clientsBlocked) ?? 0) > 0 ? .warn : .normal
                ),
                ("  rejected ", .muted),
                (ValueFormatting.count(rejected) + "/s", (rejected ?? 0) > 0 ? .crit : .normal),
            ])
        // On a tall terminal, memory over the window fills the rest of the panel, and where it
        // grows towards maxmemory, its projection to full on the right.
        if let rest = lines.remaining, rest.height >= 3 {
            // (Full already: nothing to project.)
            let eta = limit > 0 ? node.latest(.memoryFullEtaSeconds).flatMap { $0 >= 1 ? $0 : nil } : nil
            let projectionWidth = eta != nil && rest.width >= 24 ? max(6, rest.width / 4) : 0
            let history = Rect(x: rest.x, y: rest.y, width: rest.width - projectionWidth, height: rest.height)
            let perCell = theme.glyphs.braille ? 2 : 1
            let window = SeriesWindow(
                node: node, metric: .usedMemoryBytes, seconds: state.windowSeconds, points: history.width * perCell)
            let top = limit > 0 ? Double(limit) : (window.maximum ?? 1) * 1.1
            BrailleGraph(values: window.values, failed: window.failed, maximum: top, style: CellStyle(.graphAlternate))
                .draw(into: &screen, rect: history, glyphs: theme.glyphs)
            screen.put(" used memory ", x: rest.x, y: rest.y, style: .muted)
            if let eta, let used, projectionWidth > 0 {
                let projection = Rect(
                    x: history.x + history.width, y: rest.y, width: projectionWidth, height: rest.height)
                drawProjection(
                    from: used, to: Double(limit), eta: eta, into: projection, &screen, theme, perCell: perCell)
            }
        }
    }

    /// Memory from now until full at its trend (``Metric/memoryFullEtaSeconds``), straight
    /// across `rect` on its own time scale, which the label states.
    private static func drawProjection(
        from used: Double, to limit: Double, eta: Double, into rect: Rect, _ screen: inout Screen, _ theme: Theme,
        perCell: Int
    ) {
        let count = rect.width * perCell
        let values: [Double?] = (0..<count).map { used + (limit - used) * Double($0 + 1) / Double(count) }
        let role: StyleRole = eta < 300 ? .crit : .warn
        BrailleGraph(values: values, maximum: limit, style: CellStyle(role))
            .draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        let label = " full ~\(ValueFormatting.duration(seconds: eta)) "
        screen.put(label, x: rect.x + max(0, rect.width - label.count), y: rect.y, style: CellStyle(role, bold: true))
    }

    private static func latencyAndKeyspace(
        _ state: DashboardState, _ node: NodeMetrics, _ rect: Rect, _ screen: inout Screen, _ theme: Theme
    ) {
        let inner = Panel(title: "Latency & keyspace").draw(into: &screen, rect: rect, glyphs: theme.glyphs)
        var lines = LineWriter(rect: inner)
        let p99 = node.latest(.pingP99Ms)
        lines.write(
            &screen,
            [
                ("ping ", .muted), (ValueFormatting.milliseconds(node.latest(.pingMs)), .normal), (" ms", .muted),
                ("  max ", .muted), (ValueFormatting.milliseconds(node.latest(.pingMaxMs)), .normal),
            ])
        lines.write(
            &screen,
            [
                ("p50 ", .muted), (ValueFormatting.milliseconds(node.latest(.pingP50Ms)), .normal),
                ("  p99 ", .muted), (ValueFormatting.milliseconds(p99), (p99 ?? 0) > 10 ? .warn : .normal),
                (" ms", .muted),
            ])
        if let sparkRect = lines.next() {
            Sparkline(values: node.values(.pingMs).suffix(sparkRect.width).map { $0 }, style: CellStyle(.graph))
                .draw(into: &screen, rect: sparkRect, glyphs: theme.glyphs)
        }
        let keys = node.latest(.keys)
        let withTTL = node.latest(.keysWithExpiry)
        let share = (keys ?? 0) > 0 ? (withTTL ?? 0) / (keys ?? 1) : nil
        lines.write(
            &screen,
            [
                ("keys ", .muted), (ValueFormatting.count(keys), .normal), ("  with TTL ", .muted),
                (share.map { ValueFormatting.percent($0) + "%" } ?? "-", .normal),
            ])
        if let model = state.keyspace {
            if let peak = model.expiryPeaks(now: state.now, count: 1).first, peak.keys >= 100 {
                lines.write(
                    &screen,
                    [
                        ("wave ", .muted),
                        ("~\(ValueFormatting.count(peak.keys)) keys", peak.keys >= 1000 ? .crit : .warn),
                        (" expire in \(ValueFormatting.duration(seconds: Double(peak.secondsFromNow)))", .muted),
                    ])
            }
            if let biggest = model.biggestByMemory.first {
                lines.write(
                    &screen,
                    [
                        ("biggest ", .muted),
                        (
                            ValueFormatting.bytes(biggest.memoryBytes.map(Double.init)) + " ",
                            model.isBig(biggest) ? .warn : .normal
                        ),
                        (biggest.displayName, .normal),
                    ])
            }
        }
        for (index, entry) in (node.lastInfo?.keyspace ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.write(
                &screen,
                [
                    ("db\(index) ", .muted), (ValueFormatting.count(Double(entry.keys)), .normal), (" keys  ", .muted),
                    (ValueFormatting.count(Double(entry.expires)), .normal), (" expiring", .muted),
                ])
        }
    }

    static func percent(_ ratio: Double?) -> String {
        ratio.map { ValueFormatting.percent($0) + "%" } ?? "-"
    }

    static func bytes(_ value: Double?) -> String { ValueFormatting.bytes(value) }

    static func role(forHitRatio ratio: Double?) -> StyleRole {
        guard let ratio else { return .muted }
        return ratio < 0.5 ? .crit : ratio < 0.8 ? .warn : .ok
    }
}

/// Writes successive lines of mixed-style text into a rectangle.
struct LineWriter {
    let rect: Rect
    private var row = 0

    init(rect: Rect) {
        self.rect = rect
    }

    /// The rows not written yet, or `nil` when the rectangle is full.
    var remaining: Rect? {
        guard row < rect.height else { return nil }
        return Rect(x: rect.x, y: rect.y + row, width: rect.width, height: rect.height - row)
    }

    /// The next line as a one-row rectangle, or `nil` when the rectangle is full.
    mutating func next() -> Rect? {
        guard row < rect.height else { return nil }
        defer { row += 1 }
        return Rect(x: rect.x, y: rect.y + row, width: rect.width, height: 1)
    }

    /// Writes one line made of styled pieces.
    mutating func write(_ screen: inout Screen, _ pieces: [(String, StyleRole)]) {
        guard let line = next() else { return }
        var x = line.x
        for (text, role) in pieces {
            let remaining = line.x + line.width - x
            guard remaining > 0 else { break }
            x += screen.put(text, x: x, y: line.y, style: CellStyle(role), maxWidth: remaining)
        }
    }
}
