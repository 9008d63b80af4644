/// The one table of key bindings: it decides what a key does and it writes the help screen
/// and the footer hints, so they can never disagree.
public enum KeyMap {
    /// One binding.
    public struct Binding: Sendable {
        /// The keys that trigger it.
        public let keys: [Key]
        /// How the keys are shown (`q`, `?/F1`, `↑↓`).
        public let label: String
        /// What it does, for the help screen.
        public let help: String
        /// A one-word hint for the footer; `nil` keeps it out of the footer.
        public let hint: String?
        /// The action.
        public let action: DashboardAction
    }

    /// Every binding, in help order.
    public static let bindings: [Binding] = [
        Binding(keys: [.character("q"), .character("Q")], label: "q", help: "quit", hint: "quit", action: .quit),
        Binding(
            keys: [.character("?"), .character("h"), .function(1)], label: "?/F1", help: "show or hide this help",
            hint: "help", action: .toggleHelp),
        Binding(
            keys: [.character("1")], label: "1", help: "overview: hit ratio, traffic, memory, latency, slow log",
            hint: nil, action: .show(.overview)),
        Binding(
            keys: [.character("2")], label: "2", help: "slow log: every new entry, searchable, by age or duration",
            hint: nil, action: .show(.slowlog)),
        Binding(
            keys: [.character("3")], label: "3", help: "commands: calls/s, usec per call, failures (commandstats)",
            hint: nil, action: .show(.commands)),
        Binding(
            keys: [.character("4")], label: "4", help: "memory & clients: limits, databases, errors, replication",
            hint: nil, action: .show(.clientsAndMemory)),
        Binding(
            keys: [.character("5")], label: "5", help: "keyspace: big keys, namespaces, TTLs, expiry waves (sampled)",
            hint: nil, action: .show(.keyspace)),
        Binding(
            keys: [.character("6")], label: "6", help: "alerts: firing and pending, rule health, recent events",
            hint: nil, action: .show(.alerts)),
        Binding(
            keys: [.character("7")], label: "7", help: "nodes: role, status, traffic, replication, slots, balance",
            hint: nil, action: .show(.nodes)),
        Binding(
            keys: [.enter], label: "Enter", help: "nodes view: open the selected node in every view; alerts view: the selected alert whole (Esc back)", hint: nil,
            action: .openSelected),
        Binding(
            keys: [.tab, .character("]")], label: "Tab/]", help: "show the next node", hint: nil,
            action: .cycleNode(1)),
        Binding(
            keys: [.character("[")], label: "[", help: "show the previous node", hint: nil, action: .cycleNode(-1)),
        Binding(
            keys: [.character("p"), .character(" ")], label: "p/space",
            help: "pause the display (sampling goes on) or resume", hint: "pause", action: .togglePause),
        Binding(
            keys: [.character("+"), .character("=")], label: "+", help: "show more time in graphs", hint: nil,
            action: .widenWindow),
        Binding(
            keys: [.character("-"), .character("_")], label: "-", help: "show less time in graphs", hint: nil,
            action: .narrowWindow),
        Binding(
            keys: [.character("/")], label: "/", help: "filter table rows (Enter keeps it, Esc clears it)",
            hint: "filter", action: .startFilter),
        Binding(
            keys: [.character("s")], label: "s", help: "next sort order of the table", hint: "sort",
            action: .cycleSort),
        Binding(
            keys: [.character("c")], label: "c", help: "slow log: hide or show cachewatch's own entries (marked *)",
            hint: nil, action: .toggleOwnSlowlog),
        Binding(
            keys: [.character("e")], label: "e", help: "export a CSV snapshot of what is shown", hint: "export",
            action: .exportSnapshot),
        Binding(
            keys: [.character("P")], label: "P",
            help: "10 s of MONITOR (+ HOTKEYS on Redis 8.6+): hit ratio per namespace, hot keys; costs the server",
            hint: nil, action: .startProfile),
        Binding(
            keys: [.down, .character("j"), .wheelDown], label: "↓/j", help: "select the next row", hint: nil,
            action: .moveSelection(1)),
        Binding(
            keys: [.up, .character("k"), .wheelUp], label: "↑/k", help: "select the previous row", hint: nil,
            action: .moveSelection(-1)),
        Binding(keys: [.pageDown], label: "PgDn", help: "next page of rows", hint: nil, action: .moveSelection(10)),
        Binding(keys: [.pageUp], label: "PgUp", help: "previous page of rows", hint: nil, action: .moveSelection(-10)),
        Binding(keys: [.escape], label: "Esc", help: "close the help, clear the filter", hint: nil, action: .dismiss),
    ]

    /// The bindings of a replay (`cachewatch replay DIR`), before the others (space and `p`
    /// play and pause there).
    public static let replayBindings: [Binding] = [
        Binding(
            keys: [.character("p"), .character(" ")], label: "p/space", help: "replay: play or pause", hint: "play",
            action: .togglePause),
        Binding(
            keys: [.right], label: "→", help: "replay: one tick on (pauses)", hint: nil, action: .replayStep(1)),
        Binding(keys: [.left], label: "←", help: "replay: one tick back (pauses)", hint: nil, action: .replayStep(-1)),
        Binding(keys: [.character(".")], label: ".", help: "replay: 1 minute on", hint: nil, action: .replayJump(60)),
        Binding(
            keys: [.character(",")], label: ",", help: "replay: 1 minute back", hint: nil, action: .replayJump(-60)),
        Binding(
            keys: [.character(">")], label: ">", help: "replay: 10 minutes on", hint: nil, action: .replayJump(600)),
        Binding(
            keys: [.character("<")], label: "<", help: "replay: 10 minutes back", hint: nil, action: .replayJump(-600)),
        Binding(
            keys: [.character("x")], label: "x", help: "replay: play faster (×1, ×2, ×5, ×10, ×30, ×60)", hint: nil,
            action: .replaySpeed(1)),
        Binding(keys: [.character("z")], label: "z", help: "replay: play slower", hint: nil, action: .replaySpeed(-1)),
        Binding(
            keys: [.character("g")], label: "g",
            help: "replay: go to a time (03:12, 03:12:30, -2h before the end, +10m after the start, a date)",
            hint: "goto", action: .replayGoTo),
    ]

    /// The action bound to `key`, if any (in a replay, its bindings first).
    public static func action(for key: Key, replaying: Bool = false) -> DashboardAction? {
        if replaying, let binding = replayBindings.first(where: { $0.keys.contains(key) }) { return binding.action }
        return bindings.first { $0.keys.contains(key) }?.action
    }

    /// The bindings in effect, in help order: a replay's first, then the others not shadowed.
    public static func bindings(replaying: Bool) -> [Binding] {
        guard replaying else { return bindings }
        let taken = Set(replayBindings.flatMap(\.keys))
        return replayBindings
            + bindings.filter { binding in
                !binding.keys.contains { taken.contains($0) } && binding.action != .startProfile
            }
    }

    /// The footer: `q quit  ? help  p pause …`.
    public static var footerHints: [(key: String, hint: String)] { footerHints(replaying: false) }

    /// The footer of a dashboard, or of a replay.
    public static func footerHints(replaying: Bool) -> [(key: String, hint: String)] {
        bindings(replaying: replaying).compactMap { binding in
            // "?/F1" shows as "?", "p/space" as "p"; "/" stays "/".
            binding.hint.map { (binding.label.split(separator: "/").first.map(String.init) ?? binding.label, $0) }
        }
    }
}
