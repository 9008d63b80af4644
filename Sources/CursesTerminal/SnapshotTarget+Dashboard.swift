import Dashboard
import Export

extension SnapshotTarget {
    /// Writes a snapshot of what the dashboard shows (the `e` key, live or replayed); returns
    /// the line for its footer.
    func write(shown state: DashboardState) -> String {
        write(
            node: state.node, store: state.store, keyspaces: state.engine.keyspaces, events: state.engine.recentEvents,
            active: state.engine.activeAlerts, windowSeconds: state.windowSeconds, now: state.now)
    }
}
