/// The keyspace model's namespace samples by fingerprint (``NamespacePattern/fingerprint(of:)``):
/// a small open-addressing table over a dense array, so that finding a key's namespace — once
/// per key read — is a multiply, a shift and a probe or two, with no `Hasher` (the fingerprint is
/// already a hash). Removing a namespace (rare: a pass that found none of its keys) rebuilds the
/// table.
struct NamespaceSamples: Sendable {
    private(set) var entries: ContiguousArray<(fingerprint: UInt64, sample: NamespaceSample)> = []
    /// Positions in ``entries`` + 1 (0: an empty slot), a power of two of them.
    private var slots: [Int32] = Array(repeating: 0, count: 64)
    /// 64 less the slot count's power of two: a fingerprint's multiplied high bits pick a slot.
    private var shift: UInt64 = 58

    /// Namespaces held.
    var count: Int { entries.count }

    /// The position of `fingerprint`'s sample in ``entries``, if held.
    @inline(__always)
    func position(of fingerprint: UInt64) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (fingerprint &* 0x9E37_79B9_7F4A_7C15) >> shift)
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                while true {
                    let held = Int(slots[slot])
                    if held == 0 { return nil }
                    if entries[held - 1].fingerprint == fingerprint { return held - 1 }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Changes the sample at `position` in place.
    @inline(__always)
    mutating func update<Result>(at position: Int, _ body: (inout NamespaceSample) -> Result) -> Result {
        body(&entries[position].sample)
    }

    /// Adds `sample` under `fingerprint` (not held yet); returns its position.
    @discardableResult
    mutating func insert(_ sample: NamespaceSample, for fingerprint: UInt64) -> Int {
        entries.append((fingerprint, sample))
        if entries.count * 2 > slots.count {
            slots = Array(repeating: 0, count: slots.count * 2)
            shift -= 1
            for position in entries.indices { place(position) }
        } else {
            place(entries.count - 1)
        }
        return entries.count - 1
    }

    private mutating func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (entries[position].fingerprint &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position + 1)
    }

    /// The sample of `fingerprint`; setting one adds or replaces it, setting `nil` removes it.
    subscript(fingerprint: UInt64) -> NamespaceSample? {
        get { position(of: fingerprint).map { entries[$0].sample } }
        set {
            switch (position(of: fingerprint), newValue) {
            case (let position?, let sample?): entries[position].sample = sample
            case (nil, let sample?): insert(sample, for: fingerprint)
            case (let position?, nil):
                entries.remove(at: position)
                rebuild()
            case (nil, nil): break
            }
        }
    }

    /// Removes the namespaces `shouldBeRemoved` picks, in one rebuild.
    mutating func removeAll(where shouldBeRemoved: (UInt64, NamespaceSample) -> Bool) {
        let before = entries.count
        entries.removeAll { shouldBeRemoved($0.fingerprint, $0.sample) }
        if entries.count != before { rebuild() }
    }

    private mutating func rebuild() {
        var size = 64
        var shift: UInt64 = 58
        while entries.count * 2 > size {
            size *= 2
            shift -= 1
        }
        slots = Array(repeating: 0, count: size)
        self.shift = shift
        for position in entries.indices { place(position) }
    }

    /// The samples, in no particular order.
    var values: some Sequence<NamespaceSample> { entries.lazy.map(\.sample) }
}
