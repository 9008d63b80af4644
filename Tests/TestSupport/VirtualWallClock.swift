import Foundation
import Synchronization
import Telemetry

/// A wall clock that moves only when told: sources and the engine stamp their readings with
/// it, so that a test knows every time stamp in advance.
public final class VirtualWallClock: WallClock {
    private let time: Mutex<Date>

    /// A clock showing `start`.
    public init(_ start: Date) { time = Mutex(start) }

    /// The time it shows.
    public var now: Date { time.withLock { $0 } }

    /// Moves it `seconds` on.
    public func advance(by seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
