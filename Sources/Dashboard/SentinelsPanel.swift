import Foundation
import Telemetry

/// The nodes view's "Sentinels" panel, for a primary found through Redis Sentinel: each
/// sentinel, whether it answers, the primary it names and how it sees it, its quorum check and
/// TILT — a sentinel that disagrees, lost the quorum or is tilted stands out.
enum SentinelsPanel {
    /// Lines the panel wants: its border, a header, one per sentinel.
    static func height(_ group: SentinelGroup) -> Int { group.views.count + 3 }

    /// The note: how many answer, and whether a failover could be agreed.
    static func note(_ group: SentinelGroup) -> String {
        var note = "\(group.reachable.count) of \(group.views.count) answer · "
        note += group.hasQuorum ? "quorum ok: a failover can be agreed" : "no quorum: no failover can be agreed"
        if !group.tilted.isEmpty { note += " · \(group.tilted.count) in TILT" }
        if !group.disagreeing.isEmpty { note += " · \(group.disagreeing.count) disagree" }
        return note
    }

    static func draw(_ group: SentinelGroup, rect: Rect, screen: inout Screen, theme: Theme) {
        let inner = Panel(title: "Sentinels of '\(group.masterName)'", note: note(group)).draw(
            into: &screen, rect: rect, glyphs: theme.glyphs)
        guard inner.height > 0 else { return }
        let rows = group.views.map { view -> (cells: [String], role: StyleRole) in
            guard view.isReachable else { return ([view.sentinel, "down", "-", "-", "-", "-"], .crit) }
            let names = view.primary.map {
                $0 == group.primary ? group.nodeName($0) : "\(group.nodeName($0)) (differs)"
            }
            let seen =
                view.primaryFlags.isEmpty
                ? "-" : view.primaryFlags.filter { $0 != "master" }.joined(separator: ",").nonEmpty ?? "ok"
            let quorum = view.hasQuorum.map { $0 ? "ok" : "NOQUORUM" } ?? "-"
            let tilt = view.isTilted.map { $0 ? "TILT" : "no" } ?? "-"
            let role: StyleRole =
                view.hasQuorum == false || view.primary != group.primary
                ? .crit
                : view.isTilted == true || view.seesPrimaryDown ? .warn : .normal
            return ([view.sentinel, "up", quorum, tilt, seen, names ?? "-"], role)
        }
        Table(
            columns: [
                Table.Column("sentinel", width: 21), Table.Column("state", width: 5), Table.Column("quorum", width: 8),
                Table.Column("tilt", width: 4), Table.Column("primary seen", width: 12),
                Table.Column("primary it names"),
            ],
            rows: rows.map(\.cells), rowStyles: rows.map { CellStyle($0.role) },
            emptyText: "no sentinel known"
        ).draw(into: &screen, rect: inner, glyphs: theme.glyphs)
    }
}

extension String {
    /// The text, or `nil` when it is empty.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
