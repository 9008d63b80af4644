import Alerts
import Engine
import Foundation
import Metrics
import Telemetry

/// Everything a view needs: the engine's state as shown, and the state of the interface.
/// Views are pure functions of it; keys change it through ``handle(_:)``. The engine's state is
/// the one the engine steps — not a copy kept in step — and a pause is that state frozen while
/// the live one goes on elsewhere (see `DashboardLoop`).
public struct DashboardState: Sendable {
    /// The graph windows `+` and `-` step through, in seconds.
    public static let windows: [Int] = [60, 300, 900, 3600]

    /// What the engine knows, as shown (frozen while paused).
    public var engine: EngineState
    /// The node shown.
    public var node: String
    /// The seconds between polls (shown in the header).
    public var interval: Double
    /// The current time (injected, so screens are reproducible).
    public var now: Date
    /// The view on screen.
    public var view: DashboardView = .overview
    /// Whether the help screen is open.
    public var showsHelp = false
    /// Whether the alerts view shows the selected alert whole (Enter) instead of the list.
    public var showsAlertDetail = false
    /// Whether the display is frozen.
    public var isPaused = false
    /// Whether the slow log hides the entries of cachewatch's own connections.
    public var hidesOwnSlowlog = false
    /// Index into ``windows``.
    public var windowIndex = 1
    /// The table filter (case-insensitive substring).
    public var filter = ""
    /// Whether keys are being typed into the filter.
    public var isEditingFilter = false
    /// The sort order of each table view (index into its ``DashboardView/sortOrders``).
    public var sortIndex: [DashboardView: Int] = [:]
    /// The selected row of the current table.
    public var selection = 0
    /// A one-line message for the footer (e.g. where a snapshot went).
    public var message: String?
    /// Set by the `e` key: the owner writes a snapshot and clears it.
    public var wantsSnapshot = false
    /// Set by the `P` key: the owner starts a profile of the shown node and clears it.
    public var wantsProfile = false
    /// The profile running now, if any: which node, since when, for how long.
    public var runningProfile: (node: String, since: Date, seconds: Double)?
    /// Set when the dashboard shows a recording (`cachewatch replay DIR`): where it stands.
    public var replay: ReplayPosition?

    /// Creates a state showing `engine`'s `node`.
    public init(engine: EngineState, node: String, interval: Double, now: Date) {
        self.engine = engine
        self.node = node
        self.interval = interval
        self.now = now
    }

    /// The series of every node.
    public var store: NodeTable<NodeState> { engine.store }
    /// The shown node's own state in the engine.
    private var nodeState: NodeState? { engine.node(node) }
    /// The shown node's newest profile (`nil`: never profiled).
    public var profile: ProfileReport? { nodeState?.profile }
    /// What continuous key sampling has found on the shown node (`nil`: not sampled, or no
    /// batch yet).
    public var keyspace: KeyspaceFigures? { nodeState?.keyspace }
    /// The shown node's dump (`--rdb FILE`), when its keyspace is shown from one.
    public var keyspaceDump: KeyspaceDump? { nodeState?.dump }
    /// The cluster's topology, when watching one.
    public var topology: ClusterTopology? { engine.topology }
    /// The Sentinel group, when the primary was found through Sentinel.
    public var sentinelGroup: SentinelGroup? { engine.sentinelGroup }
    /// The rule engine's view: firing and pending alerts, rule health, recent events (`nil`: no rules).
    public var alerts: AlertsSnapshot? {
        engine.ruleEngine.rules.isEmpty ? nil : AlertsSnapshot(engine: engine.ruleEngine, events: engine.recentEvents)
    }
    /// Where the shown node's keyspace-event subscription stands (`nil`: events not asked for).
    public var keyEvents: KeyEventSubscriber.State? { nodeState?.keyEvents }
    /// How the shown node's namespaces are invalidated (key lives), once any is tracked.
    public var invalidation: NamespaceInvalidation? { nodeState?.invalidation }
    /// How the shown node's namespaces' keys end, as its panel shows it.
    public var keyEnds: KeyEndsSummary? { nodeState?.keyEnds }
    /// The shown node's recent evictions + misses per second by namespace, oldest first.
    public var namespaceTrends: [String: [Double]] { nodeState?.eventTrend.series ?? [:] }

    /// The graph window in seconds.
    public var windowSeconds: Int { Self.windows[windowIndex] }

    /// The sort order of the current view.
    public var currentSort: Int { sortIndex[view] ?? 0 }

    /// The metrics of the node on display.
    public var metrics: NodeMetrics? { store[node] }

    /// Applies a key; returns `false` when the dashboard should quit.
    public mutating func handle(_ key: Key) -> Bool {
        if isEditingFilter {
            switch key {
            case .enter: isEditingFilter = false
            case .escape:
                isEditingFilter = false
                filter = ""
            case .backspace: if !filter.isEmpty { filter.removeLast() }
            case .character(let character): filter.append(character)
            default: break
            }
            selection = 0
            return true
        }
        if replay?.typing != nil {
            switch key {
            case .enter:
                let typed = replay?.typing ?? ""
                replay?.typing = nil
                if let moment = ReplayTime(typed), let position = replay {
                    replay?.seek(to: moment.resolve(in: position.span))
                } else {
                    message = "not a time: '\(typed)' (03:12, 03:12:30, -2h, +10m, 2026-12-06T03:12:00Z)"
                }
            case .escape: replay?.typing = nil
            case .backspace: if replay?.typing?.isEmpty == false { replay?.typing?.removeLast() }
            case .character(let character): replay?.typing?.append(character)
            default: break
            }
            return true
        }
        guard let action = KeyMap.action(for: key, replaying: replay != nil) else { return true }
        return apply(action)
    }

    /// Applies an action; returns `false` when the dashboard should quit.
    public mutating func apply(_ action: DashboardAction) -> Bool {
        message = nil
        switch action {
        case .quit: return false
        case .toggleHelp: showsHelp.toggle()
        case .show(let newView):
            showsHelp = false
            showsAlertDetail = false
            if newView != view {
                view = newView
                selection = 0
            }
        case .togglePause:
            if replay != nil {
                replay?.isPlaying.toggle()
                // Played to its end: play again from the start.
                if let position = replay, position.isPlaying, position.time >= position.span.upperBound {
                    replay?.seek(to: position.span.lowerBound)
                }
            } else {
                isPaused.toggle()
            }
        case .replayStep(let ticks):
            replay?.isPlaying = false
            replay?.pendingSteps += ticks
        case .replayJump(let seconds):
            if let position = replay { replay?.seek(to: position.time + seconds) }
        case .replaySpeed(let step):
            if let position = replay {
                replay?.speedIndex = min(ReplayPosition.speeds.count - 1, max(0, position.speedIndex + step))
            }
        case .replayGoTo: replay?.typing = ""
        case .toggleOwnSlowlog:
            hidesOwnSlowlog.toggle()
            selection = 0
        case .widenWindow: windowIndex = min(Self.windows.count - 1, windowIndex + 1)
        case .narrowWindow: windowIndex = max(0, windowIndex - 1)
        case .startFilter:
            if view != .overview {
                isEditingFilter = true
                showsHelp = false
            }
        case .cycleSort:
            let orders = view.sortOrders.count
            if orders > 0 {
                sortIndex[view] = (currentSort + 1) % orders
                selection = 0
            }
        case .moveSelection(let rows):
            selection = max(0, selection + rows)
            if view == .alerts { selection = min(selection, max(0, AlertsView.rows(self).count - 1)) }
        case .dismiss:
            if showsHelp {
                showsHelp = false
            } else if showsAlertDetail {
                showsAlertDetail = false
            } else {
                filter = ""
            }
        case .exportSnapshot: wantsSnapshot = true
        case .startProfile:
            if replay != nil {
                message = "a replay cannot profile: the server is not watched"
            } else if runningProfile == nil {
                wantsProfile = true
                view = .keyspace
                selection = 0
            }
        case .openSelected:
            if view == .alerts {
                showsAlertDetail = !showsAlertDetail && !AlertsView.rows(self).isEmpty
                return true
            }
            let rows = NodesView.rows(self)
            if view == .nodes, !rows.isEmpty {
                node = rows[min(selection, rows.count - 1)].name
                view = .overview
                selection = 0
            }
        case .cycleNode(let step):
            let names = store.nodeNames
            if let index = names.firstIndex(of: node), names.count > 1 {
                node = names[(index + step + names.count) % names.count]
                if view != .nodes { selection = 0 }
            }
        }
        return true
    }
}
