/// What a key asks the dashboard to do.
public enum DashboardAction: Sendable, Hashable {
    /// Leave.
    case quit
    /// Show or hide the help screen.
    case toggleHelp
    /// Switch to a view.
    case show(DashboardView)
    /// Freeze or unfreeze the display (sampling goes on).
    case togglePause
    /// Show more or less time in graphs.
    case widenWindow, narrowWindow
    /// Type a filter for tables.
    case startFilter
    /// Next sort order of the current table.
    case cycleSort
    /// Move the table selection by rows (negative: up).
    case moveSelection(Int)
    /// Close the help or clear the filter.
    case dismiss
    /// Write a CSV snapshot of what is shown.
    case exportSnapshot
    /// Open the selected row (in the nodes view: show that node everywhere).
    case openSelected
    /// Show the next or previous node (negative) in every view.
    case cycleNode(Int)
    /// Show or hide cachewatch's own entries in the slow log.
    case toggleOwnSlowlog
    /// Profile the shown node's traffic per namespace (`MONITOR`, time-boxed).
    case startProfile
    /// Replay: step this many ticks (negative: back); pauses.
    case replayStep(Int)
    /// Replay: jump this many seconds (negative: back).
    case replayJump(Double)
    /// Replay: play faster (1) or slower (-1).
    case replaySpeed(Int)
    /// Replay: type a moment to go to.
    case replayGoTo
}
