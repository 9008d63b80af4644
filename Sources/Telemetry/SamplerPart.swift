/// A part of what the key sampler reads, which may be unavailable on a server: the closed set
/// of keys of ``KeySampler/unavailable``.
public enum SamplerPart: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `SCAN` (or `TYPE`/`PTTL`): refused, so there is no key sampling at all.
    case scan
    /// Element counts (`HLEN`, `LLEN`, …): off by the sampler's choice where `CLIENT NO-TOUCH`
    /// is missing, since they would refresh LRU/LFU data — a choice, not a refusal.
    case lengths
    /// `MEMORY USAGE`.
    case memory
    /// `OBJECT FREQ` / `OBJECT IDLETIME`.
    case object

    /// Whether the server refused it (ACL, a renamed command), as opposed to the sampler
    /// choosing not to send it.
    public var isRefusal: Bool { self != .lengths }

    /// Orders by name.
    public static func < (lhs: SamplerPart, rhs: SamplerPart) -> Bool { lhs.rawValue < rhs.rawValue }
}
