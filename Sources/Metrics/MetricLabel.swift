/// The label that tells a labelled metric's instances apart, as alert labels name it.
public enum MetricLabel: String, Sendable, Hashable, CaseIterable {
    /// A key namespace (`session:*`).
    case namespace
    /// A replica of a primary (`10.0.0.6:6379`).
    case replica
    /// A cluster hash slot (`12182`).
    case slot
    /// A key the server measured hot (`HOTKEYS`), escaped, with its database when not 0
    /// (`user:42 (db 3)`).
    case hotKey = "hotkey"
}
