/// One namespace's share of the keyspace sample: the keys whose hash falls under a threshold,
/// each with what the model needs of it, and running sums over them.
///
/// Membership is decided by the key name's hash (`hash < 2^(64 − level)`), so the sample is a
/// uniform one of the namespace's keys whatever order they arrive in, a key seen again finds
/// its own record, and halving the threshold (`level + 1`) keeps a uniform sample at half the
/// size. Each record then stands for `2^level` keys. Sums are kept over the records themselves
/// (unweighted) and scaled on reading, so thinning never rescales them.
struct NamespaceSample: Sendable {
    /// What is kept of one sampled key: 32 bytes, no name.
    struct Record: Sendable {
        /// Absolute expiry, unix milliseconds; `Int64.min` without a TTL.
        var expiresAt: Int64
        /// Remaining TTL when observed, milliseconds; -1 without a TTL.
        var ttl: Int64
        /// `MEMORY USAGE`, 0 when unknown.
        var memory: Int64
        /// The pass it was last seen in.
        var pass: Int32
        /// Its TTL bucket when observed.
        var bucket: UInt8

        var hasTTL: Bool { ttl >= 0 }
    }

    /// Every key of the namespace, counted rather than sampled: kept when every key is seen
    /// once (a dump), where it replaces the sample's estimates.
    struct Tally: Sendable {
        var keys = 0
        var memory: Int64 = 0
        var withoutTTL = 0
        var ttlSum: Int64 = 0
        var buckets = [Int](repeating: 0, count: TTLBucket.allCases.count)
        var minimumTTL: Int64?, maximumTTL: Int64?

        /// Counts one key.
        mutating func count(_ record: Record) {
            keys += 1
            memory += record.memory
            buckets[Int(record.bucket)] += 1
            guard record.hasTTL else {
                withoutTTL += 1
                return
            }
            ttlSum += record.ttl
            minimumTTL = Swift.min(minimumTTL ?? record.ttl, record.ttl)
            maximumTTL = Swift.max(maximumTTL ?? record.ttl, record.ttl)
        }
    }

    /// The exact counts, when every key is counted (see ``Tally``).
    var tally = Tally()

    /// Each record stands for `2^level` keys.
    private(set) var level = 0
    private(set) var records = SampleRecords()
    private(set) var withoutTTL = 0
    private(set) var memory: Int64 = 0
    private(set) var ttlSum: Int64 = 0
    private(set) var buckets = [Int](repeating: 0, count: TTLBucket.allCases.count)
    /// Smallest and largest observed TTL, and how many records hold each: a replaced record
    /// only forces a recount when it was the last one at an extreme.
    private(set) var minimumTTL: Int64?, maximumTTL: Int64?
    private var atMinimum = 0, atMaximum = 0

    /// Keys the records stand for.
    var weight: Int { 1 << level }
    /// Records kept.
    var count: Int { records.count }

    /// Whether a key with this hash belongs in the sample at the current level.
    func admits(_ hash: UInt64) -> Bool {
        level == 0 || hash >> UInt64(64 - level) == 0
    }

    /// Adds or replaces the record of `hash`. Returns the change in records held (0 or 1), and
    /// adds the work done to `work`.
    mutating func upsert(_ hash: UInt64, _ record: Record, work: inout Int) -> Int {
        // One probe for a new key (most); a re-sampled key's old record leaves the aggregates
        // before the new one joins (its extremes recounted over the records as they were).
        guard let previous = records.upsert(hash, record) else {
            add(record)
            return 1
        }
        records.remove(hash)
        remove(previous, work: &work)
        _ = records.upsert(hash, record)
        add(record)
        return 0
    }

    /// Halves the sample: keeps the records whose hash is under the next threshold. Returns the
    /// records dropped.
    mutating func thin(work: inout Int) -> Int {
        level += 1
        let before = records.count
        work += before
        let threshold = level
        records.removeAll { hash, _ in hash >> UInt64(64 - threshold) != 0 }
        recount(work: &work)
        return before - records.count
    }

    /// Drops the records last seen before `pass`. Returns how many were dropped.
    mutating func drop(seenBefore pass: Int32, work: inout Int) -> Int {
        let before = records.count
        work += before
        records.removeAll { _, record in record.pass < pass }
        guard records.count != before else { return 0 }
        recount(work: &work)
        return before - records.count
    }

    private mutating func add(_ record: Record) {
        memory += record.memory
        buckets[Int(record.bucket)] += 1
        guard record.hasTTL else {
            withoutTTL += 1
            return
        }
        ttlSum += record.ttl
        if let minimum = minimumTTL, minimum <= record.ttl {
            if minimum == record.ttl { atMinimum += 1 }
        } else {
            minimumTTL = record.ttl
            atMinimum = 1
        }
        if let maximum = maximumTTL, maximum >= record.ttl {
            if maximum == record.ttl { atMaximum += 1 }
        } else {
            maximumTTL = record.ttl
            atMaximum = 1
        }
    }

    private mutating func remove(_ record: Record, work: inout Int) {
        memory -= record.memory
        buckets[Int(record.bucket)] -= 1
        guard record.hasTTL else {
            withoutTTL -= 1
            return
        }
        ttlSum -= record.ttl
        var stale = false
        if record.ttl == minimumTTL {
            atMinimum -= 1
            stale = stale || atMinimum == 0
        }
        if record.ttl == maximumTTL {
            atMaximum -= 1
            stale = stale || atMaximum == 0
        }
        if stale { recountExtremes(work: &work) }
    }

    private mutating func recount(work: inout Int) {
        withoutTTL = 0
        memory = 0
        ttlSum = 0
        buckets = [Int](repeating: 0, count: buckets.count)
        for record in records.values {
            memory += record.memory
            buckets[Int(record.bucket)] += 1
            if record.hasTTL { ttlSum += record.ttl } else { withoutTTL += 1 }
        }
        recountExtremes(work: &work)
    }

    private mutating func recountExtremes(work: inout Int) {
        work += records.count
        minimumTTL = nil
        maximumTTL = nil
        atMinimum = 0
        atMaximum = 0
        for record in records.values where record.hasTTL {
            if minimumTTL.map({ record.ttl < $0 }) ?? true {
                minimumTTL = record.ttl
                atMinimum = 0
            }
            if record.ttl == minimumTTL { atMinimum += 1 }
            if maximumTTL.map({ record.ttl > $0 }) ?? true {
                maximumTTL = record.ttl
                atMaximum = 0
            }
            if record.ttl == maximumTTL { atMaximum += 1 }
        }
    }
}
