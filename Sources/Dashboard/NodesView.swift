import Foundation
import Metrics
import Telemetry

/// View 7: every node watched — role, status, traffic, memory, replication, slots and how a
/// primary compares with the others — under a line that adds up the primaries; on a cluster
/// with slot stats, the hot slots below (``HotSlotsPanel``). Enter opens a node in the other
/// views.
enum NodesView {
    struct Row {
        let name: String
        let role: String
        let status: String
        let statusRole: StyleRole
        let opsPerSec: Double?
        let hitRatio: Double?
        let usedMemory: Double?
        let memoryRatio: Double?
        let evictedPerSec: Double?
        let keys: Double?
        let replication: String
        let slots: String
        let balance: String
        /// For a replica, its primary's name when that primary is watched.
        let primary: String?
    }

    /// The rows in display order (the order Enter's selection refers to).
    static func rows(_ state: DashboardState) -> [Row] {
        var rows = state.store.nodeNames.compactMap { name in state.store[name].map { row($0, state: state) } }
        if !state.filter.isEmpty {
            rows = rows.filter { ($0.name + " " + $0.role).localizedCaseInsensitiveContains(state.filter) }
        }
        switch state.sortIndex[.nodes] ?? 0 {
        case 1: rows.sort { ($0.opsPerSec ?? -1, $0.name) > ($1.opsPerSec ?? -1, $1.name) }
        case 2: rows.sort { ($0.usedMemory ?? -1, $0.name) > ($1.usedMemory ?? -1, $1.name) }
        case 3: rows.sort { ($0.hitRatio ?? 2, $0.name) < ($1.hitRatio ?? 2, $1.name) }
        default:
            // Each primary followed by its replicas; nodes of unknown role and replicas whose
            // primary is not watched at the end, by name.
            let byName = Dictionary(rows.map { ($0.name, $0) }) { first, _ in first }
            var ordered: [Row] = []
            var placed = Set<String>()
            for primary in rows.filter({ $0.role == "primary" }).sorted(by: { $0.name < $1.name }) {
                ordered.append(primary)
                placed.insert(primary.name)
                for replica in rows.filter({ $0.primary == primary.name }).sorted(by: { $0.name < $1.name }) {
                    ordered.append(replica)
                    placed.insert(replica.name)
                }
            }
            ordered += rows.filter { !placed.contains($0.name) }.sorted { $0.name < $1.name }
            rows = ordered.compactMap { byName[$0.name] }
        }
        return rows
    }

    private static func row(_ node: NodeMetrics, state: DashboardState) -> Row {
        let info = node.lastInfo
        let clusterNode = state.topology?.nodes.first { $0.name == node.node }
        let role =
            info.map { $0.replication.role?.displayName ?? "-" }
            ?? clusterNode.map { $0.role.rawValue } ?? "-"
        var status = "up"
        var statusRole = StyleRole.ok
        if !node.isUp {
            status = node.lastFailure == nil ? "waiting" : "down"
            statusRole = .crit
        } else if clusterNode?.isFailed == true {
            status = "failed"
            statusRole = .crit
        } else if node.latest(.replicaLinkUp) == 0 {
            status = "link down"
            statusRole = .crit
        } else if node.latest(.clusterStateOK) == 0 {
            status = "cluster fail"
            statusRole = .warn
        }
        var replication = "-"
        if role == "replica" {
            let lag = primaryLag(of: node, in: state.store)
            let io = node.latest(.replicaLastIOSeconds).map { "io \(ValueFormatting.plain($0))s" }
            replication = [lag.map { "lag \(ValueFormatting.bytes($0))" }, io].compactMap { $0 }.joined(separator: " ")
        } else if let online = node.latest(.replicasOnline) {
            let lag = node.latest(.replicaLagBytesMax).map { " lag≤\(ValueFormatting.bytes($0))" } ?? ""
            replication = "\(Int(online)) repl\(lag)"
        }
        var balance = "-"
        if let ops = node.latest(.opsVsOtherPrimaries), let memory = node.latest(.memoryVsOtherPrimaries) {
            // Past 99× the figure says only "far more": the column stays readable.
            func times(_ ratio: Double) -> String {
                ratio >= 99.95 ? ">99×" : "\(ValueFormatting.fixed(ratio, decimals: 1))×"
            }
            balance = "\(times(ops)) \(times(memory))"
        }
        return Row(
            name: node.node, role: role, status: status, statusRole: statusRole, opsPerSec: node.latest(.opsPerSec),
            hitRatio: node.latest(.hitRatio), usedMemory: node.latest(.usedMemoryBytes),
            memoryRatio: node.latest(.memoryUsedRatio), evictedPerSec: node.latest(.evictedPerSec),
            keys: node.latest(.keys), replication: replication,
            slots: clusterNode.map { $0.role == .primary ? "\($0.slotCount)" : "-" } ?? "-", balance: balance,
            primary: role == "replica" ? primaryName(of: node, in: state.store) : nil)
    }

    /// The watched primary that lists `replica` among its replicas (by the replica's port and
    /// the primary's view of its address).
    private static func primaryName(of replica: NodeMetrics, in store: some SeriesReading) -> String? {
        guard let info = replica.lastInfo, let ownPort = info.server.tcpPort, let port = info.replication.masterPort
        else { return nil }
        return store.nodeNames.first { name in
            guard let primary = store[name]?.lastInfo, primary.isPrimary, primary.server.tcpPort == port else {
                return false
            }
            return primary.replication.replicas.contains { $0.port == ownPort }
        }
    }

    /// A replica's lag in bytes, as its primary reports it (`replica_lag_bytes{replica=ip:port}`).
    private static func primaryLag(of replica: NodeMetrics, in store: some SeriesReading) -> Double? {
        guard let ownPort = replica.lastInfo?.server.tcpPort, let name = primaryName(of: replica, in: store),
            let lags = store[name]?.instances(.replicaLagBytes)
        else { return nil }
        return lags.first { $0.key.hasSuffix(":\(ownPort)") }?.value
    }

    static func draw(_ state: DashboardState, in area: Rect, into screen: inout Screen, theme: Theme) {
        let rows = rows(state)
        // Found through Sentinel: the sentinels below the nodes.
        var area = area
        if let group = state.sentinelGroup, area.height >= 12 {
            let height = min(SentinelsPanel.height(group), area.height - min(rows.count + 4, area.height / 2))
            SentinelsPanel.draw(
                group, rect: Rect(x: area.x, y: area.y + area.height - height, width: area.width, height: height),
                screen: &screen, theme: theme)
            area = Rect(x: area.x, y: area.y, width: area.width, height: area.height - height)
        }
        // On a cluster with slot stats, the hot slots below the nodes (at least 7 lines).
        if HotSlotsPanel.isShown(state) && area.height >= 16 {
            let nodesHeight = min(rows.count + 4, area.height - 7)
            HotSlotsPanel.draw(
                state,
                rect: Rect(x: area.x, y: area.y + nodesHeight, width: area.width, height: area.height - nodesHeight),
                screen: &screen, theme: theme)
            area = Rect(x: area.x, y: area.y, width: area.width, height: nodesHeight)
        }
        let count = state.store.nodeNames.count
        var note = count == 1 ? "1 node" : "\(count) nodes"
        if let topology = state.topology {
            let uncovered = topology.uncoveredSlots
            note += " · cluster \(topology.primaries.count) primaries · "
            note += uncovered == 0 ? "all slots served" : "\(uncovered) slots not served"
        }
        if let group = state.sentinelGroup { note += " · sentinel primary '\(group.masterName)'" }
        note += " · sort: \(DashboardView.nodes.sortOrders[state.currentSort])"
        let inner = Panel(title: "Nodes (Enter opens one)", note: note).draw(
            into: &screen, rect: area, glyphs: theme.glyphs)
        guard inner.height > 1 else { return }
        let total = FleetAggregate(store: state.store)
        let summary =
            "all primaries (\(total.nodes.count)): \(ValueFormatting.count(total.opsPerSec)) ops/s · hit "
            + "\(ValueFormatting.percent(total.hitRatio))% · mem \(ValueFormatting.bytes(total.usedMemoryBytes)) · "
            + "max mem \(ValueFormatting.percent(total.maxMemoryRatio))% · evict "
            + "\(ValueFormatting.count(total.evictedPerSec))/s · keys \(ValueFormatting.count(total.keys))"
        _ = screen.put(summary, x: inner.x, y: inner.y, style: .accent, maxWidth: inner.width)
        // The base columns always; replication, slots and the balance as the width allows,
        // keeping at least 19 columns for node names (▸ └ 127.0.0.1:65535).
        typealias Column = (column: Table.Column, cell: (Row) -> String)
        var columns: [Column] = [
            (
                Table.Column("node"),
                { (row: Row) in (row.name == state.node ? "▸ " : "  ") + (row.primary != nil ? "└ " : "") + row.name }
            ),
            (Table.Column("role", width: 7), { $0.role }), (Table.Column("status", width: 10), { $0.status }),
            (Table.Column("ops/s", width: 7, alignRight: true), { ValueFormatting.count($0.opsPerSec) }),
            (Table.Column("hit%", width: 5, alignRight: true), { ValueFormatting.percent($0.hitRatio) }),
            (Table.Column("mem", width: 6, alignRight: true), { ValueFormatting.bytes($0.usedMemory) }),
            (Table.Column("mem%", width: 5, alignRight: true), { ValueFormatting.percent($0.memoryRatio) }),
            (Table.Column("evict/s", width: 7, alignRight: true), { ValueFormatting.count($0.evictedPerSec) }),
            (Table.Column("keys", width: 7, alignRight: true), { ValueFormatting.count($0.keys) }),
        ]
        var optional: [Column] = [(Table.Column("replication", width: 16), { $0.replication })]
        if state.topology != nil {
            optional.append((Table.Column("slots", width: 5, alignRight: true), { $0.slots }))
            // A primary's ops/s and memory over the other primaries' mean (1.0× = even).
            optional.append((Table.Column("ops× mem×", width: 11, alignRight: true), { $0.balance }))
        }
        for extra in optional {
            let used = (columns + [extra]).compactMap(\.column.width).reduce(0, +) + columns.count
            if inner.width - used >= 19 { columns.append(extra) }
        }
        let sortColumn = [0, 3, 5, 4][state.currentSort]
        Table(
            columns: columns.map(\.column),
            rows: rows.map { row in columns.map { $0.cell(row) } },
            rowStyles: rows.map { CellStyle($0.statusRole == .ok ? .normal : $0.statusRole) },
            sort: (sortColumn, state.currentSort != 0 && state.currentSort != 3),
            selected: min(state.selection, max(0, rows.count - 1)),
            emptyText: state.filter.isEmpty ? "no node has reported yet" : "no node matches '\(state.filter)'"
        ).draw(
            into: &screen, rect: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1),
            glyphs: theme.glyphs)
    }
}
