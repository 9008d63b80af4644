import Foundation

/// The wall clock that stamps what the sources read — samples, key batches, key lives,
/// subscriptions — and the engine's steps: the system's in production, a virtual one in tests,
/// so that what depends on time can be checked in virtual time.
public protocol WallClock: Sendable {
    /// The time now.
    var now: Date { get }
}

/// The system's wall clock.
public struct SystemWallClock: WallClock {
    /// The system's clock.
    public init() {}

    /// `Date()`.
    public var now: Date { Date() }
}

extension WallClock where Self == SystemWallClock {
    /// The system's wall clock.
    public static var system: SystemWallClock { SystemWallClock() }
}
