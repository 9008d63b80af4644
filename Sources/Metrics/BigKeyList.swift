import Telemetry

/// A top-K list of keys by one measure, biggest first, where a key seen again replaces its entry.
struct BigKeyList: Sendable {
    /// A listed key, with its name's hash (to find it again cheaply) and the pass it was seen in.
    struct Entry: Sendable {
        let hash: UInt64
        let pass: Int32
        let key: KeyMetadata
        /// The key's namespace (its fingerprint), for lists that keep a few of each.
        var group: UInt64 = 0
    }

    /// What a list ranks by.
    enum Measure: Sendable {
        case memory, length, frequency

        func of(_ key: KeyMetadata) -> Int64 {
            switch self {
            case .memory: return key.memoryBytes ?? -1
            case .length: return key.length ?? -1
            case .frequency: return key.frequency ?? -1
            }
        }
    }

    private(set) var entries: [Entry] = []
    /// The listed keys' hashes: most keys are neither listed nor big enough, and this answers
    /// the first without walking the list (a short list is walked: cheaper than hashing).
    private var hashes: Set<UInt64> = []

    /// Lists this long or shorter are walked rather than looked up in ``hashes``.
    private static let walkedLength = 32

    private func isListed(_ hash: UInt64) -> Bool {
        entries.count <= Self.walkedLength ? entries.contains { $0.hash == hash } : hashes.contains(hash)
    }

    /// The keys, biggest first.
    var keys: [KeyMetadata] { entries.map(\.key) }

    /// Whether a key not listed, measuring `value`, would be: the list is short or its last is
    /// smaller.
    func admits(_ value: Int64, keeping topK: Int, by measure: Measure) -> Bool {
        guard value >= 0 else { return false }
        guard entries.count >= topK, let last = entries.last else { return true }
        return measure.of(last.key) < value
    }

    /// Puts `entry` in its place by `measure` (keys without one are not listed), replacing an
    /// earlier entry of the same key, and keeps `topK` — and, with `perGroup`, that many at most
    /// of one namespace (its smallest go first), so that one namespace cannot fill the list.
    mutating func insert(_ entry: Entry, keeping topK: Int, by measure: Measure, perGroup: Int? = nil) {
        let value = measure.of(entry.key)
        if !isListed(entry.hash) {
            if entries.count >= topK, let last = entries.last, measure.of(last.key) >= value { return }
        } else if let existing = entries.firstIndex(where: { $0.hash == entry.hash && $0.key.name == entry.key.name }) {
            entries.remove(at: existing)
            if !entries.contains(where: { $0.hash == entry.hash }) { hashes.remove(entry.hash) }
        }
        guard value >= 0 else { return }
        let position = entries.firstIndex { measure.of($0.key) < value } ?? entries.count
        entries.insert(entry, at: position)
        hashes.insert(entry.hash)
        if let perGroup, entries.count(where: { $0.group == entry.group }) > perGroup,
            let smallest = entries.lastIndex(where: { $0.group == entry.group })
        {
            let dropped = entries.remove(at: smallest)
            if !entries.contains(where: { $0.hash == dropped.hash }) { hashes.remove(dropped.hash) }
        }
        if entries.count > topK, let dropped = entries.popLast(), !entries.contains(where: { $0.hash == dropped.hash })
        {
            hashes.remove(dropped.hash)
        }
    }

    /// Drops the entries that match.
    mutating func removeAll(where shouldRemove: (Entry) -> Bool) {
        entries.removeAll(where: shouldRemove)
        hashes = Set(entries.map(\.hash))
    }
}
