import Foundation

extension NodeMetrics {
    /// Whether the node's eviction rate says it evicted keys between `start` and `end` (a key
    /// last seen at `start` and found gone at `end`): a poll after `start` with evictions, up to
    /// 10 s past `end`. When the poll that covers `end` has not come yet, the newest rate stands
    /// in for it — a key that went while the node is evicting is called evicted when unsure,
    /// never deleted (a deletion would say the namespace is invalidated on write).
    public func evicted(between start: Date, and end: Date) -> Bool {
        let last = end.timeIntervalSince1970 + 10
        let evictions = points(.metric(.evictedPerSec), since: start.timeIntervalSince1970)
        if evictions.contains(where: { $0.value > 0 && $0.time <= last }) { return true }
        guard let newest = times.last, newest < end.timeIntervalSince1970 else { return false }
        return (latest(.evictedPerSec) ?? 0) > 0
    }
}
