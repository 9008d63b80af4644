import Alerts
import Foundation
import Metrics

/// View 6: what the rules say — incidents first (a firing cause, its symptoms indented beneath
/// it: one voice per incident), then the other firing and pending alerts, with age and value;
/// rules that cannot be evaluated, and the latest events.
enum AlertsView {
    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        guard let alerts = state.alerts else {
            let inner = Panel(title: "Alerts").draw(into: &screen, rect: area, glyphs: theme.glyphs)
            screen.put("no rules loaded (--no-rules)", x: inner.x, y: inner.y, style: .muted)
            return
        }
        let bands = area.rows([nil, max(7, area.height / 3)])
        let bottom = bands[1].columns([1, 1])
        let rows = Self.rows(state)
        let incidents =
            alerts.incidents.isEmpty
            ? "" : "\(alerts.incidents.count) incident\(alerts.incidents.count == 1 ? "" : "s"), "
        let note =
            incidents + "\(alerts.firing.count) firing, \(alerts.pending.count) pending, \(alerts.ruleCount) rules"
        let inner = Panel(
            title: "Alerts", note: note, noteStyle: CellStyle(alerts.firing.isEmpty ? .ok : .crit, bold: true)
        )
        .draw(into: &screen, rect: bands[0], glyphs: theme.glyphs)
        if state.showsAlertDetail, !rows.isEmpty {
            detail(rows[min(state.selection, rows.count - 1)].alert, state: state, in: inner, into: &screen)
        } else {
            list(rows, state: state, in: inner, into: &screen, theme: theme)
        }
        drawHealthAndEvents(alerts, bottom: bottom, into: &screen, theme: theme)
    }

    /// The rows of the list: each incident as its cause, then its symptoms (marked as such);
    /// the other alerts after.
    static func rows(_ state: DashboardState) -> [(alert: Alert, isSymptom: Bool)] {
        guard let alerts = state.alerts else { return [] }
        func matches(_ alert: Alert) -> Bool {
            state.filter.isEmpty || alert.identity.localizedCaseInsensitiveContains(state.filter)
        }
        var rows: [(alert: Alert, isSymptom: Bool)] = []
        for incident in alerts.incidents where matches(incident.cause) || incident.symptoms.contains(where: matches) {
            rows.append((incident.cause, false))
            rows += incident.symptoms.map { ($0, true) }
        }
        var others = alerts.others.filter(matches)
        if state.currentSort == 1 { others.sort { $0.activeSince < $1.activeSince } }
        rows += others.map { ($0, false) }
        return rows
    }

    /// One alert whole: what fired, where, since when, why, and what to do.
    private static func detail(_ alert: Alert, state: DashboardState, in inner: Rect, into screen: inout Screen) {
        var lines = LineWriter(rect: inner)
        let age = ValueFormatting.duration(seconds: state.now.timeIntervalSince(alert.firedAt ?? alert.activeSince))
        lines.write(
            &screen,
            [
                (alert.name + " ", .accent),
                ("\(alert.state.rawValue), \(alert.severity.rawValue), for \(age)", .normal),
                (" (Esc: back to the list)", .muted),
            ])
        let labels = alert.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.write(&screen, [("labels   ", .muted), (labels.isEmpty ? "-" : labels, .normal)])
        lines.write(&screen, [("value    ", .muted), (ValueFormatting.plain(alert.value), .normal)])
        if let cause = alert.cause {
            lines.write(&screen, [("cause    ", .muted), (cause + " (this alert is its symptom)", .normal)])
        }
        lines.write(&screen, [("summary  ", .muted), (alert.summary, .normal)])
        if !alert.description.isEmpty {
            lines.write(&screen, [("", .normal)])
            lines.write(&screen, [("What to do", .accent)])
            for line in wrapped(alert.description, width: inner.width, lines: max(1, inner.height - 8)) {
                lines.write(&screen, [(line, .normal)])
            }
        }
        if !alert.runbookURL.isEmpty {
            lines.write(&screen, [("", .normal)])
            lines.write(&screen, [("runbook  ", .muted), (alert.runbookURL, .normal)])
        }
    }

    /// The list of alerts, with what to do about the selected one under it.
    private static func list(
        _ rows: [(alert: Alert, isSymptom: Bool)], state: DashboardState, in inner: Rect, into screen: inout Screen,
        theme: Theme
    ) {
        // What to do about the selected alert, under the table, where its rule says.
        var tableRect = inner
        let selected = rows.isEmpty ? nil : rows[min(state.selection, rows.count - 1)].alert
        if let selected, !selected.description.isEmpty, inner.height >= 8 {
            let remedy = Self.wrapped("what to do: " + selected.description, width: inner.width, lines: 3)
            tableRect = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - remedy.count - 1)
            for (index, line) in remedy.enumerated() {
                screen.put(
                    line, x: inner.x, y: inner.y + inner.height - remedy.count + index,
                    style: index == 0 ? .accent : .normal, maxWidth: inner.width)
            }
        }
        Table(
            columns: [
                Table.Column("state", width: 7), Table.Column("severity", width: 8), Table.Column("alert", width: 20),
                Table.Column("age", width: 6, alignRight: true), Table.Column("value", width: 9, alignRight: true),
                Table.Column("summary"),
            ],
            rows: rows.map { alert, isSymptom in
                [
                    alert.state.rawValue, alert.severity.rawValue,
                    isSymptom ? String(theme.glyphs.bottomLeft) + " " + alert.name : alert.name,
                    ValueFormatting.duration(seconds: state.now.timeIntervalSince(alert.firedAt ?? alert.activeSince)),
                    ValueFormatting.plain(alert.value), alert.summary,
                ]
            },
            rowStyles: rows.map { alert, isSymptom in
                // A symptom is quieted: its cause stands out, it does not.
                guard alert.state == .firing, !isSymptom else { return .muted }
                return CellStyle(alert.severity == .critical ? .crit : alert.severity == .warning ? .warn : .accent)
            },
            selected: rows.isEmpty ? nil : min(state.selection, rows.count - 1),
            emptyText: "nothing firing or pending"
        ).draw(into: &screen, rect: tableRect, glyphs: theme.glyphs)
    }

    private static func drawHealthAndEvents(
        _ alerts: AlertsSnapshot, bottom: [Rect], into screen: inout Screen, theme: Theme
    ) {
        let healthInner = Panel(title: "Rule health").draw(into: &screen, rect: bottom[0], glyphs: theme.glyphs)
        var lines = LineWriter(rect: healthInner)
        if alerts.unhealthy.isEmpty { lines.write(&screen, [("every rule evaluates", .ok)]) }
        for problem in alerts.unhealthy {
            lines.write(&screen, [(problem.rule + " ", .warn), (problem.reason, .muted)])
        }

        let eventsInner = Panel(title: "Recent events").draw(into: &screen, rect: bottom[1], glyphs: theme.glyphs)
        var eventLines = LineWriter(rect: eventsInner)
        if alerts.recentEvents.isEmpty { eventLines.write(&screen, [("none yet", .muted)]) }
        for event in alerts.recentEvents {
            eventLines.write(
                &screen,
                [
                    (ValueFormatting.timeOfDay(event.time) + " ", .muted),
                    (event.kind == .firing ? "FIRING   " : "RESOLVED ", event.kind == .firing ? .crit : .ok),
                    (event.alert.name, .normal),
                    (
                        ([event.alert.labels["node"], event.alert.labels["namespace"]].compactMap { $0 }).map {
                            " " + $0
                        }.joined(), .muted
                    ),
                    (event.alert.cause.map { " ← " + Alert.name(ofIdentity: $0) } ?? "", .muted),
                ])
        }
    }

    /// `text` in lines of at most `width` columns, broken between words, at most `lines` of them
    /// (the last ending in `…` when the text goes on).
    static func wrapped(_ text: String, width: Int, lines: Int) -> [String] {
        guard width > 1, lines > 0 else { return [] }
        var result: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(String(word)) <= width {
                current += " " + word
            } else {
                result.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { result.append(current) }
        if result.count > lines {
            result = Array(result.prefix(lines))
            var last = result[lines - 1]
            while DisplayWidth.of(last) + 1 > width, !last.isEmpty { last.removeLast() }
            result[lines - 1] = last + "…"
        }
        return result
    }
}
