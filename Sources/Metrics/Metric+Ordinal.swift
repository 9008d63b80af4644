extension Metric {
    /// The metric's place in the vocabulary, its index in `allCases`.
    ///
    /// An enum without payloads is stored as the index of its case in declaration order (the
    /// Swift ABI's type layout), one byte for up to 256 cases; this reads that byte. A test
    /// checks it against `allCases` (and the cast traps if the vocabulary ever outgrows a byte).
    @inlinable public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// Hashes the case, not its name: a raw-valued enum otherwise hashes its raw value, a
    /// string, and every series lookup (`[SeriesKey: …]`, `[Metric: …]`) paid for it.
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    /// Whether two metrics are the same case (compared as cases, not as names).
    @inlinable public static func == (lhs: Metric, rhs: Metric) -> Bool { lhs.ordinal == rhs.ordinal }
}
