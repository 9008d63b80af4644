/// Picks the entries of each `SLOWLOG GET` reply that were not reported before, so every slow
/// command is reported exactly once across polls.
///
/// Entry ids grow for the life of a server process and survive `SLOWLOG RESET`; a restart
/// (a new `run_id`, or ids that went backwards) starts them again from 0.
public struct SlowlogTracker: Sendable {
    private var lastSeenID: Int64?
    private var runID: String?

    /// Creates a tracker that has seen nothing.
    public init() {}

    /// Returns the entries of `reply` not seen before (oldest first) and how many entries were
    /// logged but rotated out (or reset away) before a poll could see them.
    ///
    /// - Parameters:
    ///   - entries: a `SLOWLOG GET` reply, newest first as the server sends it.
    ///   - runID: the server's `run_id` from the same poll, when known.
    public mutating func newEntries(in entries: [SlowlogEntry], runID: String?) -> SlowlogDelta {
        var restarted = false
        if let runID, let knownRunID = self.runID {
            restarted = runID != knownRunID
        } else if let lastSeenID, let newestID = entries.map(\.id).max() {
            restarted = newestID < lastSeenID  // no run_id to compare: ids going backwards mean a restart
        }
        if let runID { self.runID = runID }
        if restarted { lastSeenID = nil }

        let fresh = entries.filter { entry in lastSeenID.map { entry.id > $0 } ?? true }.sorted { $0.id < $1.id }
        var missed = 0
        if let lastSeenID, let oldest = fresh.first {
            missed = Int(max(0, oldest.id - lastSeenID - 1))
        }
        if let newest = fresh.last { lastSeenID = max(lastSeenID ?? newest.id, newest.id) }
        return SlowlogDelta(entries: fresh, missed: missed, serverRestarted: restarted)
    }
}

/// What a poll adds to the slow log.
public struct SlowlogDelta: Sendable, Hashable {
    /// Entries never reported before, oldest first.
    public var entries: [SlowlogEntry]
    /// Entries that existed but were never seen (the server's list rotated, or it was reset).
    public var missed: Int
    /// Whether the ids started again because the server restarted.
    public var serverRestarted: Bool

    /// Creates a delta.
    public init(entries: [SlowlogEntry] = [], missed: Int = 0, serverRestarted: Bool = false) {
        self.entries = entries
        self.missed = missed
        self.serverRestarted = serverRestarted
    }
}
