import Foundation
import Metrics

/// A node's keyspace read whole from its RDB file (`--rdb FILE`): what the keyspace view, the
/// rules and snapshots show for the node instead of key sampling's estimates, its TTLs counting
/// down from the dump's own time.
public struct KeyspaceDump: Sendable {
    /// The file it was read from.
    public let path: String
    /// When the dump was saved (its `ctime`).
    public let savedAt: Date
    /// Every key of the dump, in the model key sampling fills.
    let sampling: KeyspaceSampling
    /// When its figures were last taken.
    var figuresTakenAt: Date?

    /// How often its figures are taken again (their TTLs and expiry forecast move with time;
    /// the keys do not).
    static let refreshInterval: TimeInterval = 5

    /// A dump of `path`, saved at `savedAt`, whose keys `model` holds.
    public init(path: String, savedAt: Date, model: KeyspaceModel) {
        self.path = path
        self.savedAt = savedAt
        sampling = KeyspaceSampling(whole: model, now: savedAt)
    }
}
